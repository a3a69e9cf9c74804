// Reference arithmetic for the `forecast` query (docs/api.md). The production forecast is a SQL
// aggregate written elsewhere; tests compare it with this function on the same rows, so every
// definition below is the contract that SQL must match.
//
// Definitions, per currency (amounts in different currencies are never added together):
// - In the period [from, to] (inclusive dates): an OPEN deal whose expectedCloseDate is in it,
//   or a WON deal whose closedAt date (UTC) is in it. LOST deals, OPEN deals without an
//   expected close date and WON deals without closedAt are never in a period.
// - openAmount     = sum of amount over OPEN deals.
// - weightedAmount = sum over OPEN deals of weightedAmount(amount, probability), i.e. rounded
//                    half away from zero per deal, then summed.
// - commit         = sum of amount over OPEN deals in the COMMIT category.
// - bestCase       = sum of amount over OPEN deals in COMMIT or BEST_CASE, plus closedWon.
// - closedWon      = sum of amount over WON deals.
// - dealCount      = number of deals in the period (OPEN and WON).
// Group keys: MONTH 'YYYY-MM' of expectedCloseDate (OPEN) or of closedAt's UTC date (WON);
// OWNER ownerId or 'unassigned'; STAGE stageId. Groups are sorted by key, then currency;
// totals (one per currency) by currency. Sorting compares code units, like SQL "C" collation.
import type { ForecastCategory, DealStatus } from './stages';
import { weightedAmount } from './money';
import { type Validated, fieldError } from './result';

export interface ForecastDeal {
  amount: number;
  currency: string;
  probability: number;
  forecastCategory: ForecastCategory;
  status: DealStatus;
  /** YYYY-MM-DD; null when the deal has none (then it is in no period). */
  expectedCloseDate: string | null;
  /** ISO-8601 timestamp (or YYYY-MM-DD); its UTC date decides the period. */
  closedAt: string | null;
  ownerId: string | null;
  stageId: string;
}

export type ForecastGroupBy = 'MONTH' | 'OWNER' | 'STAGE';
export const FORECAST_GROUP_BYS: readonly ForecastGroupBy[] = ['MONTH', 'OWNER', 'STAGE'];

export interface ForecastInput {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, inclusive. */
  to: string;
  groupBy: ForecastGroupBy;
}

export interface ForecastFigures {
  currency: string;
  openAmount: number;
  weightedAmount: number;
  bestCase: number;
  commit: number;
  closedWon: number;
  dealCount: number;
}

export interface ForecastGroup extends ForecastFigures {
  key: string;
}

export interface Forecast {
  groups: ForecastGroup[];
  totals: ForecastFigures[];
}

export const UNASSIGNED_OWNER_KEY = 'unassigned';
export const MAX_FORECAST_YEARS = 5;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (rejects 2025-02-30). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Same month and day `years` later; 29 Feb becomes 28 Feb, as Postgres date + interval does. */
function addYears(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  const monthIndex = Number(date.slice(5, 7)) - 1;
  const day = Number(date.slice(8, 10));
  const lastDayOfMonth = new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${date.slice(5, 7)}-${String(Math.min(day, lastDayOfMonth)).padStart(2, '0')}`;
}

export function validateForecastInput(input: { from?: unknown; to?: unknown; groupBy?: unknown }): Validated<ForecastInput> {
  const { from, to, groupBy } = input;
  if (!isCalendarDate(from)) return fieldError('from', 'from must be a date written YYYY-MM-DD');
  if (!isCalendarDate(to)) return fieldError('to', 'to must be a date written YYYY-MM-DD');
  // Fixed-width YYYY-MM-DD strings order like the dates they name.
  if (from > to) return fieldError('to', 'to must not be before from');
  if (to > addYears(from, MAX_FORECAST_YEARS)) {
    return fieldError('to', `A forecast spans at most ${MAX_FORECAST_YEARS} years`);
  }
  if (typeof groupBy !== 'string' || !(FORECAST_GROUP_BYS as readonly string[]).includes(groupBy)) {
    return fieldError('groupBy', `groupBy must be one of ${FORECAST_GROUP_BYS.join(', ')}`);
  }
  return { ok: true, value: { from, to, groupBy: groupBy as ForecastGroupBy } };
}

/** Date-time with no zone designator; Date.parse would read it in the process's local zone. */
const ZONELESS_DATE_TIME = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** The UTC calendar date of a timestamp (zoneless ones read as UTC), or null when it does not parse. */
function utcDate(timestamp: string): string | null {
  const time = Date.parse(ZONELESS_DATE_TIME.test(timestamp) ? `${timestamp}Z` : timestamp);
  return Number.isNaN(time) ? null : new Date(time).toISOString().slice(0, 10);
}

/** The date that places a deal in a period, or null when the deal is in no period. */
function periodDate(deal: ForecastDeal): string | null {
  if (deal.status === 'OPEN') return isCalendarDate(deal.expectedCloseDate) ? deal.expectedCloseDate : null;
  if (deal.status === 'WON') return deal.closedAt === null ? null : utcDate(deal.closedAt);
  return null;
}

function groupKey(deal: ForecastDeal, date: string, groupBy: ForecastGroupBy): string {
  switch (groupBy) {
    case 'MONTH':
      return date.slice(0, 7);
    case 'OWNER':
      return deal.ownerId ?? UNASSIGNED_OWNER_KEY;
    case 'STAGE':
      return deal.stageId;
  }
}

function emptyFigures(currency: string): ForecastFigures {
  return { currency, openAmount: 0, weightedAmount: 0, bestCase: 0, commit: 0, closedWon: 0, dealCount: 0 };
}

/** Adds, refusing to lose precision: beyond 2^53 the SQL bigint sum and this one would differ. */
function add(total: number, amount: number): number {
  const sum = total + amount;
  if (!Number.isSafeInteger(sum)) throw new RangeError('Forecast total exceeds the exact integer range');
  return sum;
}

function addDeal(figures: ForecastFigures, deal: ForecastDeal): void {
  figures.dealCount += 1;
  if (deal.status === 'WON') {
    figures.closedWon = add(figures.closedWon, deal.amount);
    figures.bestCase = add(figures.bestCase, deal.amount);
    return;
  }
  figures.openAmount = add(figures.openAmount, deal.amount);
  figures.weightedAmount = add(figures.weightedAmount, weightedAmount(deal.amount, deal.probability));
  if (deal.forecastCategory === 'COMMIT') figures.commit = add(figures.commit, deal.amount);
  if (deal.forecastCategory === 'COMMIT' || deal.forecastCategory === 'BEST_CASE') {
    figures.bestCase = add(figures.bestCase, deal.amount);
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Throws RangeError when the input is invalid; validate user input with validateForecastInput first. */
export function computeForecast(deals: readonly ForecastDeal[], input: ForecastInput): Forecast {
  const checked = validateForecastInput(input);
  if (!checked.ok) throw new RangeError(`${checked.field}: ${checked.message}`);
  const { from, to, groupBy } = checked.value;

  const groups = new Map<string, ForecastGroup>();
  const totals = new Map<string, ForecastFigures>();
  for (const deal of deals) {
    const date = periodDate(deal);
    if (date === null || date < from || date > to) continue;
    const key = groupKey(deal, date, groupBy);
    // JSON of the pair cannot collide, whatever characters key or currency hold.
    const groupId = JSON.stringify([key, deal.currency]);
    let group = groups.get(groupId);
    if (!group) groups.set(groupId, (group = { key, ...emptyFigures(deal.currency) }));
    let total = totals.get(deal.currency);
    if (!total) totals.set(deal.currency, (total = emptyFigures(deal.currency)));
    addDeal(group, deal);
    addDeal(total, deal);
  }

  return {
    groups: [...groups.values()].sort((a, b) => compareCodeUnits(a.key, b.key) || compareCodeUnits(a.currency, b.currency)),
    totals: [...totals.values()].sort((a, b) => compareCodeUnits(a.currency, b.currency)),
  };
}
