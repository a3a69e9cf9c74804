// Validation of tenant-supplied rules (unknown JSON). The first problem found is reported with
// its field path, e.g. "fit.companySizes[1].max", for a BAD_USER_INPUT error.

import { ENGAGEMENT_KINDS, MAX_SCORE, isNumber, words, type CompanySizeBand, type EngagementKind, type ScoringRules } from './scoring';

export type ScoringRulesValidation = { ok: true; rules: ScoringRules } | { ok: false; field: string; message: string };

class RuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const POINTS_MIN = -100;
const POINTS_MAX = 100;

function fail(field: string, message: string): never {
  throw new RuleError(field, message);
}

function objectAt(x: unknown, field: string, allowed?: readonly string[]): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(field || 'rules', `${field || 'rules'} must be an object`);
  const obj = x as Record<string, unknown>;
  // Unknown keys are rejected so a typo (e.g. "halfLife") fails loudly instead of being ignored.
  const extra = allowed && Object.keys(obj).find((k) => !allowed.includes(k));
  if (extra) fail(field ? `${field}.${extra}` : extra, `Unknown field ${extra}`);
  return obj;
}

function arrayAt(x: unknown, field: string): unknown[] {
  if (!Array.isArray(x)) fail(field, `${field} must be an array`);
  return x;
}

function pointsAt(x: unknown, field: string): number {
  if (!Number.isInteger(x) || (x as number) < POINTS_MIN || (x as number) > POINTS_MAX) {
    fail(field, `${field} must be an integer from ${POINTS_MIN} to ${POINTS_MAX}`);
  }
  return x as number;
}

function nonNegativeAt(x: unknown, field: string, integer: boolean): number {
  if (!isNumber(x) || x < 0 || (integer && !Number.isInteger(x))) {
    fail(field, `${field} must be a non-negative ${integer ? 'integer' : 'number'}`);
  }
  return x;
}

function nonBlankAt(x: unknown, field: string): string {
  if (typeof x !== 'string' || x.trim() === '') fail(field, `${field} must be a non-blank string`);
  return x.trim();
}

function parseRules(input: unknown): ScoringRules {
  const root = objectAt(input, '', ['mqlThreshold', 'fit', 'engagement', 'halfLifeDays']);

  const mqlThreshold = root.mqlThreshold;
  if (!Number.isInteger(mqlThreshold) || (mqlThreshold as number) < 1 || (mqlThreshold as number) > MAX_SCORE) {
    fail('mqlThreshold', `mqlThreshold must be an integer from 1 to ${MAX_SCORE}`);
  }
  const halfLifeDays = root.halfLifeDays;
  if (!isNumber(halfLifeDays) || halfLifeDays <= 0) fail('halfLifeDays', 'halfLifeDays must be a number above 0');

  const fit = objectAt(root.fit, 'fit', ['industries', 'companySizes', 'jobTitleKeywords', 'budgetPoints']);

  const industriesIn = objectAt(fit.industries, 'fit.industries');
  const industries: Record<string, number> = {};
  const seenIndustries = new Set<string>();
  for (const [name, points] of Object.entries(industriesIn)) {
    const field = `fit.industries.${name}`;
    const key = nonBlankAt(name, field);
    // "SaaS" and "saas" would match the same contacts with possibly different points.
    if (seenIndustries.has(key.toLowerCase())) fail(field, `Industry ${key} is listed twice`);
    seenIndustries.add(key.toLowerCase());
    industries[key] = pointsAt(points, field);
  }

  const companySizes = arrayAt(fit.companySizes, 'fit.companySizes').map((raw, i): CompanySizeBand => {
    const field = `fit.companySizes[${i}]`;
    const band = objectAt(raw, field, ['min', 'max', 'points']);
    const min = nonNegativeAt(band.min, `${field}.min`, true);
    const max = band.max === null ? null : nonNegativeAt(band.max, `${field}.max`, true);
    if (max !== null && max < min) fail(`${field}.max`, `${field}.max must be at least min`);
    return { min, max, points: pointsAt(band.points, `${field}.points`) };
  });
  // Bands must not overlap, so a size never depends on the order bands are listed in.
  const sorted = [...companySizes].sort((a, b) => a.min - b.min);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (prev.max === null || prev.max >= sorted[i]!.min) {
      fail(`fit.companySizes[${companySizes.indexOf(sorted[i]!)}]`, 'Company size bands overlap');
    }
  }

  const seenKeywords = new Set<string>();
  const jobTitleKeywords = arrayAt(fit.jobTitleKeywords, 'fit.jobTitleKeywords').map((raw, i) => {
    const field = `fit.jobTitleKeywords[${i}]`;
    const entry = objectAt(raw, field, ['keyword', 'points']);
    const keyword = nonBlankAt(entry.keyword, `${field}.keyword`);
    if (words(keyword) === '') fail(`${field}.keyword`, 'Keyword must contain a letter or digit');
    if (seenKeywords.has(words(keyword))) fail(`${field}.keyword`, `Keyword ${keyword} is listed twice`);
    seenKeywords.add(words(keyword));
    return { keyword, points: pointsAt(entry.points, `${field}.points`) };
  });

  const seenBudgets = new Set<number>();
  const budgetPoints = arrayAt(fit.budgetPoints, 'fit.budgetPoints').map((raw, i) => {
    const field = `fit.budgetPoints[${i}]`;
    const entry = objectAt(raw, field, ['minBudget', 'points']);
    const minBudget = nonNegativeAt(entry.minBudget, `${field}.minBudget`, false);
    if (seenBudgets.has(minBudget)) fail(`${field}.minBudget`, `minBudget ${minBudget} is listed twice`);
    seenBudgets.add(minBudget);
    return { minBudget, points: pointsAt(entry.points, `${field}.points`) };
  });

  const engagementIn = objectAt(root.engagement, 'engagement', ENGAGEMENT_KINDS);
  const engagement = {} as Record<EngagementKind, number>;
  for (const kind of ENGAGEMENT_KINDS) engagement[kind] = pointsAt(engagementIn[kind], `engagement.${kind}`);

  return {
    mqlThreshold: mqlThreshold as number,
    fit: { industries, companySizes, jobTitleKeywords, budgetPoints },
    engagement,
    halfLifeDays,
  };
}

/** Returns a clean copy (trimmed names, no extra keys) or the first problem with its field. */
export function validateScoringRules(input: unknown): ScoringRulesValidation {
  try {
    return { ok: true, rules: parseRules(input) };
  } catch (e) {
    if (e instanceof RuleError) return { ok: false, field: e.field, message: e.message };
    throw e;
  }
}
