import { LIFECYCLE_STAGES } from '@crm/events';
import { badInput, characterLength, MAX_USER_ID_LENGTH } from '@crm/service-kit';

/** Stored rules: every field optional and ANDed (docs/api.md); dates as ISO strings. */
export interface SegmentRules {
  stages?: string[];
  minScore?: number;
  maxScore?: number;
  industries?: string[];
  minCompanySize?: number;
  maxCompanySize?: number;
  sources?: string[];
  ownerIds?: string[];
  churnRisk?: boolean;
  customerSinceBefore?: string;
  lastPurchaseBefore?: string;
  lastEngagementBefore?: string;
  lastEngagementAfter?: string;
  createdAfter?: string;
  createdBefore?: string;
}

/** As GraphQL hands them over: DateTime scalars are Dates, anything may be null. */
export type SegmentRulesInput = {
  [K in keyof SegmentRules]?: (SegmentRules[K] extends string | undefined ? Date | string : SegmentRules[K]) | null;
};

export const DATE_RULES = [
  'customerSinceBefore',
  'lastPurchaseBefore',
  'lastEngagementBefore',
  'lastEngagementAfter',
  'createdAfter',
  'createdBefore',
] as const;
const MAX_LIST = 100;
const MAX_TEXT = 100;

function list(field: string, values: unknown, check: (v: string) => string): string[] {
  if (!Array.isArray(values)) throw badInput(`rules.${field}`, `rules.${field} must be a list`);
  if (!values.length) throw badInput(`rules.${field}`, `rules.${field} must not be empty (leave it out to match any)`);
  if (values.length > MAX_LIST) throw badInput(`rules.${field}`, `rules.${field} takes at most ${MAX_LIST} values`);
  return [...new Set(values.map((v) => check(typeof v === 'string' ? v.trim() : '')))];
}

const text = (field: string, max: number) => (v: string) => {
  if (!v) throw badInput(`rules.${field}`, `rules.${field} must not contain empty values`);
  if (characterLength(v) > max) throw badInput(`rules.${field}`, `rules.${field} values must be at most ${max} characters`);
  return v;
};

function nonNegativeInt(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw badInput(`rules.${field}`, `rules.${field} must be a non-negative integer`);
  return v;
}

function instant(field: string, v: unknown): string {
  const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime())) throw badInput(`rules.${field}`, `rules.${field} must be an ISO-8601 date-time`);
  return d.toISOString();
}

function checkRange(rules: SegmentRules, low: keyof SegmentRules, high: keyof SegmentRules): void {
  const a = rules[low];
  const b = rules[high];
  if (a !== undefined && b !== undefined && a > b) throw badInput(`rules.${low}`, `rules.${low} must not be above rules.${high}`);
}

/**
 * Checks and normalises segment rules: known stages, non-empty lists, non-negative bounds,
 * min ≤ max, after ≤ before. Industries and sources compare case-insensitively, so they are
 * stored lower-cased. Bad input names `rules.<field>`.
 */
export function validateSegmentRules(input: SegmentRulesInput | null | undefined): SegmentRules {
  if (!input || typeof input !== 'object') throw badInput('rules', 'rules must be an object');
  const rules: SegmentRules = {};
  const has = (k: keyof SegmentRules) => input[k] !== undefined && input[k] !== null;
  if (has('stages')) {
    rules.stages = list('stages', input.stages, (v) => {
      if (!(LIFECYCLE_STAGES as readonly string[]).includes(v)) throw badInput('rules.stages', `rules.stages: unknown stage ${v}`);
      return v;
    });
  }
  if (has('industries')) rules.industries = list('industries', input.industries, (v) => text('industries', MAX_TEXT)(v).toLowerCase());
  if (has('sources')) rules.sources = list('sources', input.sources, (v) => text('sources', 50)(v).toLowerCase());
  if (has('ownerIds')) rules.ownerIds = list('ownerIds', input.ownerIds, text('ownerIds', MAX_USER_ID_LENGTH));
  for (const k of ['minScore', 'maxScore', 'minCompanySize', 'maxCompanySize'] as const) if (has(k)) rules[k] = nonNegativeInt(k, input[k]);
  if (has('churnRisk')) {
    if (typeof input.churnRisk !== 'boolean') throw badInput('rules.churnRisk', 'rules.churnRisk must be true or false');
    rules.churnRisk = input.churnRisk;
  }
  for (const k of DATE_RULES) if (has(k)) rules[k] = instant(k, input[k]);
  checkRange(rules, 'minScore', 'maxScore');
  checkRange(rules, 'minCompanySize', 'maxCompanySize');
  checkRange(rules, 'lastEngagementAfter', 'lastEngagementBefore');
  checkRange(rules, 'createdAfter', 'createdBefore');
  return rules;
}
