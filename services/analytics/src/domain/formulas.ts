// The ratios of docs/kpis.md as pure functions: the SQL gathers counts and sums, these turn them
// into the reported figures, so every rule has one place and one unit test.

/** numerator / denominator, null when the denominator is 0 (never NaN or Infinity). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** conversionToNext(s) = reached(next) / reached(s); dropOff = 1 - it (both null without a next stage or when reached(s) = 0). */
export function conversion(reached: number, reachedNext: number | null): { conversionToNext: number | null; dropOff: number | null } {
  if (reachedNext === null) return { conversionToNext: null, dropOff: null };
  const c = ratio(reachedNext, reached);
  return { conversionToNext: c, dropOff: c === null ? null : 1 - c };
}

/** The middle value (mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
}

export type NpsBucket = 'PROMOTER' | 'PASSIVE' | 'DETRACTOR';

/** NPS 9-10 promoter, 7-8 passive, 0-6 detractor. */
export function npsBucket(score: number): NpsBucket {
  if (score >= 9) return 'PROMOTER';
  if (score >= 7) return 'PASSIVE';
  return 'DETRACTOR';
}

/** % promoters − % detractors, in points (−100…100); null without responses. */
export function netPromoterScore(promoters: number, detractors: number, responses: number): number | null {
  return responses === 0 ? null : ((promoters - detractors) * 100) / responses;
}

/** CSAT: the share (0…1) of responses scoring 4 or 5. */
export const CSAT_SATISFIED_FROM = 4;
export function csatShare(satisfied: number, responses: number): number | null {
  return ratio(satisfied, responses);
}

/** Mean over a count from an exact sum (SQL sums), null when the count is 0. */
export function average(sum: number, count: number): number | null {
  return ratio(sum, count);
}

/** roi = (influencedRevenue − actualCost) / actualCost, null while the cost is 0. */
export function returnOnInvestment(influencedRevenue: number, actualCost: number): number | null {
  return actualCost === 0 ? null : (influencedRevenue - actualCost) / actualCost;
}

/** amount × probability / 100 in minor units, rounded half away from zero (as pipeline weighs a deal). */
export function weightedAmount(amount: number, probabilityPercent: number): number {
  const product = BigInt(amount) * BigInt(probabilityPercent);
  const whole = product / 100n;
  return Number(product % 100n >= 50n ? whole + 1n : whole);
}
