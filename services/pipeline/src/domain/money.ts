// Money is integer minor units plus an ISO 4217 code (docs/architecture.md). Amounts never mix
// currencies here: conversion is not a pipeline rule.
import { type Validated, fieldError } from './result';

/** The API's SafeInt range end to end: every amount is exact in a JSON number, a JS number and a bigint column. */
export const MAX_AMOUNT_MINOR_UNITS = Number.MAX_SAFE_INTEGER;
export const DEFAULT_CURRENCY = 'USD';

export function validateAmount(amount: unknown, field = 'amount'): Validated<number> {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    return fieldError(field, `${field} must be a number of minor units (e.g. cents)`);
  }
  if (!Number.isInteger(amount)) {
    return fieldError(field, `${field} must be a whole number of minor units (e.g. 1999 for 19.99)`);
  }
  if (amount < 0) return fieldError(field, `${field} must not be negative`);
  if (amount > MAX_AMOUNT_MINOR_UNITS) {
    return fieldError(field, `${field} must be at most ${MAX_AMOUNT_MINOR_UNITS} minor units`);
  }
  // `+ 0` turns -0 into 0 so it never reaches the database or a JSON response as "-0".
  return { ok: true, value: amount + 0 };
}

let supportedCurrencies: ReadonlySet<string> | null = null;

/** ISO 4217 codes the runtime's ICU knows; read once. */
function isSupportedCurrency(code: string): boolean {
  supportedCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return supportedCurrencies.has(code);
}

/**
 * Returns the normalised code (trimmed, upper-case). Absent (undefined or null, as GraphQL
 * gives for an omitted or null argument) means the default currency.
 */
export function validateCurrency(code: unknown): Validated<string> {
  if (code === undefined || code === null) return { ok: true, value: DEFAULT_CURRENCY };
  if (typeof code !== 'string') return fieldError('currency', 'currency must be a 3-letter ISO 4217 code');
  const normalised = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(normalised)) {
    return fieldError('currency', 'currency must be a 3-letter ISO 4217 code, e.g. USD');
  }
  if (!isSupportedCurrency(normalised)) {
    return fieldError('currency', `Unknown currency code ${normalised}`);
  }
  return { ok: true, value: normalised };
}

/**
 * amount × probability / 100 in integer minor units, rounded half away from zero.
 * The forecast rounds per deal and then sums the rounded values (so a deal's weighted
 * amount shown alone always adds up to the total); the SQL forecast must do the same,
 * e.g. sum(round(amount * probability / 100.0)) on numeric, where round() is half away
 * from zero.
 *
 * BigInt arithmetic on |amount × probability| keeps it exact for every safe amount (the product
 * outgrows 2^53): no 0.5 case is lost to a binary fraction. Throws RangeError on inputs no valid
 * deal can have.
 */
export function weightedAmount(amount: number, probabilityPercent: number): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be an integer, got ${amount}`);
  if (!Number.isInteger(probabilityPercent) || probabilityPercent < 0 || probabilityPercent > 100) {
    throw new RangeError(`probability must be an integer percent 0..100, got ${probabilityPercent}`);
  }
  const product = BigInt(Math.abs(amount)) * BigInt(probabilityPercent);
  const magnitude = Number(product / 100n + (product % 100n >= 50n ? 1n : 0n));
  return amount < 0 ? 0 - magnitude : magnitude; // 0 - 0 is 0, never -0
}
