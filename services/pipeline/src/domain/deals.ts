// Deal input rules and stage choices (docs/api.md: createDeal, updateDeal, reopenDeal). Pure:
// callers load the pipeline's stages, ask here, then write.
import { validateAmount, validateCurrency } from './money';
import { isCalendarDate } from './forecast';
import { type DealState, MAX_LOST_REASON_LENGTH } from './stages';
import { type RuleCheck, type Validated, conflict, fieldError, characterLength } from './result';

export const MAX_DEAL_TITLE_LENGTH = 200;
/** What the automatic deal opened for a contact that became SQL is called (the README's lifecycle rules). */
export const AUTO_DEAL_TITLE = 'New opportunity';

export function validateDealTitle(title: unknown): Validated<string> {
  const trimmed = typeof title === 'string' ? title.trim() : '';
  if (trimmed === '') return fieldError('title', 'title must not be blank');
  if (characterLength(trimmed) > MAX_DEAL_TITLE_LENGTH) {
    return fieldError('title', `title must be at most ${MAX_DEAL_TITLE_LENGTH} characters`);
  }
  return { ok: true, value: trimmed };
}

/** A deal's own win probability, an integer percent; absent (null/undefined) gives null. */
export function validateProbability(value: unknown, field = 'probability'): Validated<number | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    return fieldError(field, `${field} must be an integer percent from 0 to 100`);
  }
  return { ok: true, value: value + 0 };
}

/** YYYY-MM-DD, a real date between 1900 and 9999; absent gives null. */
export function validateCloseDate(value: unknown, field = 'expectedCloseDate'): Validated<string | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (!isCalendarDate(value)) return fieldError(field, `${field} must be a date written YYYY-MM-DD`);
  if (value < '1900-01-01') return fieldError(field, `${field} must not be before 1900`);
  return { ok: true, value };
}

export interface DealFieldsInput {
  title?: unknown;
  amount?: unknown;
  currency?: unknown;
  probability?: unknown;
  expectedCloseDate?: unknown;
}

export interface ValidDealFields {
  title: string;
  amount: number;
  currency: string;
  probability: number | null;
  expectedCloseDate: string | null;
}

/** The editable fields of a new deal, checked in the order a form shows them. */
export function validateDealFields(input: DealFieldsInput): Validated<ValidDealFields> {
  const title = validateDealTitle(input.title);
  if (!title.ok) return title;
  const amount = validateAmount(input.amount);
  if (!amount.ok) return amount;
  const currency = validateCurrency(input.currency);
  if (!currency.ok) return currency;
  const probability = validateProbability(input.probability);
  if (!probability.ok) return probability;
  const expectedCloseDate = validateCloseDate(input.expectedCloseDate);
  if (!expectedCloseDate.ok) return expectedCloseDate;
  return {
    ok: true,
    value: {
      title: title.value,
      amount: amount.value,
      currency: currency.value,
      probability: probability.value,
      expectedCloseDate: expectedCloseDate.value,
    },
  };
}

interface OrderedStage {
  id: string;
  order: number;
  isWon: boolean;
  isLost: boolean;
}

const isOpenStage = (stage: OrderedStage) => !stage.isWon && !stage.isLost;

/** Where a new deal starts when no stage is given: the lowest-ordered open stage. */
export function firstOpenStage<S extends OrderedStage>(stages: readonly S[]): S | null {
  return stages.filter(isOpenStage).reduce<S | null>((first, s) => (first === null || s.order < first.order ? s : first), null);
}

export function wonStage<S extends OrderedStage>(stages: readonly S[]): S | null {
  return stages.find((s) => s.isWon) ?? null;
}

export function lostStage<S extends OrderedStage>(stages: readonly S[]): S | null {
  return stages.find((s) => s.isLost) ?? null;
}

/**
 * Where a reopened deal goes when the caller names no stage: back to the open stage it was
 * closed from, if that stage still exists, else to the first open stage.
 */
export function reopenStage<S extends OrderedStage>(stages: readonly S[], closedFromStageId: string | null): S | null {
  const previous = stages.find((s) => s.id === closedFromStageId);
  return previous && isOpenStage(previous) ? previous : firstOpenStage(stages);
}

/** A new tenant's lost-reason list; admins replace it (loseDeal also accepts free text). */
export const DEFAULT_LOST_REASONS: readonly string[] = Object.freeze([
  'Price',
  'Competitor',
  'No budget',
  'No decision',
  'Timing',
  'Product fit',
]);
export const MAX_LOST_REASONS = 50;

/** A tenant's list of lost reasons: trimmed, non-blank, unique ignoring case, at most 50. */
export function validateLostReasons(reasons: readonly unknown[]): Validated<string[]> {
  if (reasons.length > MAX_LOST_REASONS) return fieldError('lostReasons', `At most ${MAX_LOST_REASONS} lost reasons`);
  const seen = new Set<string>();
  const clean: string[] = [];
  for (const [index, reason] of reasons.entries()) {
    const trimmed = typeof reason === 'string' ? reason.trim() : '';
    if (trimmed === '') return fieldError(`lostReasons[${index}]`, 'A lost reason must not be blank');
    if (characterLength(trimmed) > MAX_LOST_REASON_LENGTH) {
      return fieldError(`lostReasons[${index}]`, `A lost reason must be at most ${MAX_LOST_REASON_LENGTH} characters`);
    }
    const key = trimmed.normalize('NFC').toLowerCase();
    if (seen.has(key)) return fieldError(`lostReasons[${index}]`, `"${trimmed}" is listed twice`);
    seen.add(key);
    clean.push(trimmed);
  }
  return { ok: true, value: clean };
}

/** Only an open deal is edited; a closed one is frozen until reopened (same rule as moves). */
export function checkEditable(deal: DealState): RuleCheck {
  return deal.status === 'OPEN' ? { ok: true } : conflict(`Deal is closed (${deal.status}); reopen it first`);
}
