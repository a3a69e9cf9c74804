// Lead scoring: fit (who they are) + engagement (what they did, decayed over time).
// Rules are per-tenant data validated by validateScoringRules; DEFAULT_SCORING_RULES applies
// until a tenant sets its own.

export const ENGAGEMENT_KINDS = ['EMAIL_OPEN', 'EMAIL_CLICK', 'FORM_FILL', 'CAMPAIGN_RESPONSE', 'PAGE_VIEW', 'MEETING'] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];

export interface CompanySizeBand {
  min: number;
  /** Inclusive; null = no upper bound. */
  max: number | null;
  points: number;
}

export interface ScoringRules {
  mqlThreshold: number;
  fit: {
    /** Keyed by industry name, matched case-insensitively. */
    industries: Record<string, number>;
    /** Non-overlapping bands of employee count. */
    companySizes: CompanySizeBand[];
    /** Whole-word, case-insensitive; only the best-scoring match counts. */
    jobTitleKeywords: Array<{ keyword: string; points: number }>;
    /** Tiers; the highest tier whose minBudget the budget reaches counts. */
    budgetPoints: Array<{ minBudget: number; points: number }>;
  };
  engagement: Record<EngagementKind, number>;
  halfLifeDays: number;
}

export interface ContactProfile {
  industry?: string | null;
  companySize?: number | null;
  jobTitle?: string | null;
  budget?: number | null;
}

export interface EngagementEvent {
  kind: EngagementKind;
  at: Date;
}

export interface ScorePart {
  rule: string;
  points: number;
}

export const MAX_SCORE = 1000;

/**
 * The contact fields the fit score reads (companyId through the company's industry and size):
 * changing one rescores the contact, whether by an edit (updateContact) or an import row.
 */
export const FIT_SCORE_FIELDS: ReadonlySet<string> = new Set(['jobTitle', 'budget', 'companyId']);

export const DEFAULT_SCORING_RULES: ScoringRules = {
  mqlThreshold: 50,
  fit: {
    industries: {
      software: 20,
      saas: 20,
      'financial services': 15,
      healthcare: 10,
      manufacturing: 10,
      retail: 5,
    },
    companySizes: [
      { min: 1, max: 10, points: 0 },
      { min: 11, max: 50, points: 5 },
      { min: 51, max: 200, points: 10 },
      { min: 201, max: 1000, points: 15 },
      { min: 1001, max: null, points: 20 },
    ],
    jobTitleKeywords: [
      { keyword: 'ceo', points: 25 },
      { keyword: 'cto', points: 25 },
      { keyword: 'founder', points: 25 },
      { keyword: 'vp', points: 20 },
      { keyword: 'vice president', points: 20 },
      { keyword: 'director', points: 15 },
      { keyword: 'head', points: 15 },
      { keyword: 'manager', points: 10 },
      { keyword: 'intern', points: -15 },
      { keyword: 'student', points: -20 },
    ],
    budgetPoints: [
      { minBudget: 10_000, points: 5 },
      { minBudget: 50_000, points: 10 },
      { minBudget: 100_000, points: 20 },
    ],
  },
  engagement: {
    EMAIL_OPEN: 1,
    EMAIL_CLICK: 3,
    FORM_FILL: 10,
    CAMPAIGN_RESPONSE: 8,
    PAGE_VIEW: 1,
    MEETING: 20,
  },
  halfLifeDays: 30,
};

/**
 * Lowercase, punctuation to spaces, collapsed: "Sales-Director" ~ "sales director". Shared with
 * validation, which uses it to spot duplicate keywords.
 */
export function words(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Job title: only the single best-scoring keyword counts, not the sum, so "VP Sales Director"
 * scores as a VP (20), not VP + director (35); titles stacking synonyms would otherwise
 * outscore plain ones. Keywords match whole words, so "cto" does not match "director".
 */
export function fitScore(profile: ContactProfile, rules: ScoringRules): { total: number; parts: ScorePart[] } {
  const parts: ScorePart[] = [];

  if (typeof profile.industry === 'string' && profile.industry.trim() !== '') {
    const wanted = profile.industry.trim().toLowerCase();
    const key = Object.keys(rules.fit.industries).find((k) => k.trim().toLowerCase() === wanted);
    if (key !== undefined) parts.push({ rule: `industry:${key}`, points: rules.fit.industries[key] ?? 0 });
  }

  if (isNumber(profile.companySize)) {
    const size = profile.companySize;
    const band = rules.fit.companySizes.find((b) => size >= b.min && (b.max === null || size <= b.max));
    if (band) parts.push({ rule: `companySize:${band.min}-${band.max ?? '*'}`, points: band.points });
  }

  if (typeof profile.jobTitle === 'string') {
    const title = ` ${words(profile.jobTitle)} `;
    let best: { keyword: string; points: number } | undefined;
    for (const k of rules.fit.jobTitleKeywords) {
      const kw = words(k.keyword);
      if (kw !== '' && title.includes(` ${kw} `) && (best === undefined || k.points > best.points)) best = k;
    }
    if (best) parts.push({ rule: `jobTitle:${best.keyword}`, points: best.points });
  }

  if (isNumber(profile.budget)) {
    const budget = profile.budget;
    let tier: { minBudget: number; points: number } | undefined;
    for (const t of rules.fit.budgetPoints) {
      if (budget >= t.minBudget && (tier === undefined || t.minBudget > tier.minBudget)) tier = t;
    }
    if (tier) parts.push({ rule: `budget:>=${tier.minBudget}`, points: tier.points });
  }

  return { total: parts.reduce((sum, p) => sum + p.points, 0), parts };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Each event is worth points × 0.5^(ageDays / halfLifeDays). `exact` is the unrounded sum;
 * `total` rounds it once. `parts` gives the decayed points per kind, rounded to 2 decimals for
 * display only. Future-dated events (clock skew) count as age 0 rather than above full value.
 */
export function engagementScore(
  events: readonly EngagementEvent[],
  rules: ScoringRules,
  now: Date,
): { total: number; exact: number; parts: ScorePart[] } {
  const byKind = new Map<EngagementKind, number>();
  for (const e of events) {
    const points = rules.engagement[e.kind];
    const at = e.at.getTime();
    if (!isNumber(points) || Number.isNaN(at)) continue;
    const ageDays = Math.max(0, (now.getTime() - at) / DAY_MS);
    const decayed = points * 0.5 ** (ageDays / rules.halfLifeDays);
    byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + decayed);
  }
  let exact = 0;
  const parts: ScorePart[] = [];
  for (const kind of ENGAGEMENT_KINDS) {
    const value = byKind.get(kind);
    if (value === undefined) continue;
    exact += value;
    parts.push({ rule: `engagement:${kind}`, points: Math.round(value * 100) / 100 });
  }
  return { total: Math.round(exact), exact, parts };
}

/**
 * score = round(fit + exact engagement), clamped to 0..MAX_SCORE. Fit points are integers, so
 * this equals fit + engagement before clamping.
 */
export function scoreContact(
  profile: ContactProfile,
  events: readonly EngagementEvent[],
  rules: ScoringRules,
  now: Date,
): { score: number; fit: number; engagement: number; breakdown: ScorePart[] } {
  const fit = fitScore(profile, rules);
  const engagement = engagementScore(events, rules, now);
  const score = Math.min(MAX_SCORE, Math.max(0, Math.round(fit.total + engagement.exact)));
  return { score, fit: fit.total, engagement: engagement.total, breakdown: [...fit.parts, ...engagement.parts] };
}
