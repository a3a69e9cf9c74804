// Pipeline stages and the deal state rules that depend on them (docs/api.md: moveDealStage,
// winDeal, loseDeal). Pure: callers load the deal and stage, ask here, then write.
import { type Validation, type RuleCheck, type RuleViolation, fieldError, conflict, badUserInput, characterLength } from './result';

export type ForecastCategory = 'PIPELINE' | 'BEST_CASE' | 'COMMIT' | 'CLOSED' | 'OMITTED';
export const FORECAST_CATEGORIES: readonly ForecastCategory[] = ['PIPELINE', 'BEST_CASE', 'COMMIT', 'CLOSED', 'OMITTED'];

export interface StageDefinition {
  name: string;
  order: number;
  /** Integer percent, 0..100. */
  probability: number;
  forecastCategory: ForecastCategory;
  isWon: boolean;
  isLost: boolean;
}

export type DealStatus = 'OPEN' | 'WON' | 'LOST';
export const DEAL_STATUSES: readonly DealStatus[] = ['OPEN', 'WON', 'LOST'];

export type DealKind = 'NEW_BUSINESS' | 'UPSELL' | 'CROSS_SELL' | 'RENEWAL';
export const DEAL_KINDS: readonly DealKind[] = ['NEW_BUSINESS', 'UPSELL', 'CROSS_SELL', 'RENEWAL'];

export const DEFAULT_PIPELINE_NAME = 'Sales';

/** Provisioned once per tenant (docs/security.md). Frozen so no caller edits the shared template. */
const defaultStages: StageDefinition[] = [
  { name: 'Prospecting', order: 1, probability: 10, forecastCategory: 'PIPELINE', isWon: false, isLost: false },
  { name: 'Qualification', order: 2, probability: 25, forecastCategory: 'PIPELINE', isWon: false, isLost: false },
  { name: 'Proposal', order: 3, probability: 50, forecastCategory: 'BEST_CASE', isWon: false, isLost: false },
  { name: 'Negotiation', order: 4, probability: 75, forecastCategory: 'COMMIT', isWon: false, isLost: false },
  { name: 'Closed Won', order: 5, probability: 100, forecastCategory: 'CLOSED', isWon: true, isLost: false },
  { name: 'Closed Lost', order: 6, probability: 0, forecastCategory: 'OMITTED', isWon: false, isLost: true },
];
export const DEFAULT_PIPELINE_STAGES: readonly Readonly<StageDefinition>[] = Object.freeze(
  defaultStages.map((stage) => Object.freeze(stage)),
);

export const MAX_STAGE_NAME_LENGTH = 80;
export const MAX_LOST_REASON_LENGTH = 500;

/** Key under which two names (stage names, lost reasons) count as the same. */
function caseInsensitiveKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/**
 * Checks a whole stage set (create or replace a pipeline's stages). Per-stage faults are
 * reported first, with the index in the field (`stages[2].name`), then set-level faults.
 */
export function validatePipelineStages(stages: readonly StageDefinition[]): Validation {
  if (!Array.isArray(stages) || stages.length === 0) {
    return fieldError('stages', 'A pipeline needs at least one open stage, one won stage and one lost stage');
  }
  for (const [index, stage] of stages.entries()) {
    const at = `stages[${index}]`;
    const name = typeof stage.name === 'string' ? stage.name.trim() : '';
    if (name === '') return fieldError(`${at}.name`, 'Stage name must not be blank');
    if (characterLength(name) > MAX_STAGE_NAME_LENGTH) {
      return fieldError(`${at}.name`, `Stage name must be at most ${MAX_STAGE_NAME_LENGTH} characters`);
    }
    if (!Number.isSafeInteger(stage.order) || stage.order < 0) {
      return fieldError(`${at}.order`, 'Stage order must be a non-negative integer');
    }
    if (!Number.isInteger(stage.probability) || stage.probability < 0 || stage.probability > 100) {
      return fieldError(`${at}.probability`, 'Stage probability must be an integer from 0 to 100');
    }
    if (!FORECAST_CATEGORIES.includes(stage.forecastCategory)) {
      return fieldError(`${at}.forecastCategory`, `Forecast category must be one of ${FORECAST_CATEGORIES.join(', ')}`);
    }
    if (stage.isWon && stage.isLost) {
      return fieldError(`${at}.isLost`, 'A stage cannot be both won and lost');
    }
    if (stage.isWon && stage.probability !== 100) {
      return fieldError(`${at}.probability`, 'The won stage must have probability 100');
    }
    if (stage.isLost && stage.probability !== 0) {
      return fieldError(`${at}.probability`, 'The lost stage must have probability 0');
    }
  }

  const seenNames = new Map<string, number>();
  const seenOrders = new Map<number, number>();
  for (const [index, stage] of stages.entries()) {
    const key = caseInsensitiveKey(stage.name);
    const earlier = seenNames.get(key);
    if (earlier !== undefined) {
      return fieldError(`stages[${index}].name`, `Stage name "${stage.name.trim()}" is already used by stages[${earlier}]`);
    }
    seenNames.set(key, index);
    const earlierOrder = seenOrders.get(stage.order);
    if (earlierOrder !== undefined) {
      return fieldError(`stages[${index}].order`, `Stage order ${stage.order} is already used by stages[${earlierOrder}]`);
    }
    seenOrders.set(stage.order, index);
  }

  const wonCount = stages.filter((stage) => stage.isWon).length;
  const lostCount = stages.filter((stage) => stage.isLost).length;
  const openCount = stages.length - wonCount - lostCount;
  if (openCount < 1) return fieldError('stages', 'A pipeline needs at least one open stage');
  if (wonCount !== 1) return fieldError('stages', `A pipeline needs exactly one won stage (found ${wonCount})`);
  if (lostCount !== 1) return fieldError('stages', `A pipeline needs exactly one lost stage (found ${lostCount})`);
  return { ok: true };
}

export interface DealState {
  status: DealStatus;
}

/** Won and lost deals are frozen until reopened, so history and forecast stay truthful. */
function closedDealViolation(deal: DealState): RuleViolation | null {
  return deal.status === 'OPEN' ? null : conflict(`Deal is closed (${deal.status}); reopen it first`);
}

export function checkStageMove(
  deal: { status: DealStatus; stageId: string; pipelineId: string },
  target: { id: string; pipelineId: string; isWon: boolean; isLost: boolean },
): RuleCheck {
  const closed = closedDealViolation(deal);
  if (closed) return closed;
  if (target.pipelineId !== deal.pipelineId) {
    return badUserInput('stageId', "Stage does not belong to the deal's pipeline");
  }
  // Closing goes through winDeal/loseDeal so that status, closedAt, the reason and the
  // deal.won / deal.lost events are always set together.
  if (target.isWon) return badUserInput('stageId', 'Use winDeal to move a deal into the won stage');
  if (target.isLost) return badUserInput('stageId', 'Use loseDeal to move a deal into the lost stage');
  if (target.id === deal.stageId) return conflict('Deal is already in this stage');
  return { ok: true };
}

export function checkWin(deal: DealState): RuleCheck {
  return closedDealViolation(deal) ?? { ok: true };
}

/**
 * A lost reason comes from the tenant's list or is free text (docs/architecture.md). A reason that
 * matches a list entry case-insensitively is returned in the list's spelling, so reports
 * group "budget" and "Budget" together; any other reason is kept as typed (trimmed).
 */
export function checkLose(
  deal: DealState,
  reason: string | null | undefined,
  allowedReasons: readonly string[] | null,
): { ok: true; reason: string } | RuleViolation {
  const closed = closedDealViolation(deal);
  if (closed) return closed;
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (trimmed === '') return badUserInput('reason', 'A reason is required to lose a deal');
  if (characterLength(trimmed) > MAX_LOST_REASON_LENGTH) {
    return badUserInput('reason', `Reason must be at most ${MAX_LOST_REASON_LENGTH} characters`);
  }
  const key = caseInsensitiveKey(trimmed);
  const listed = (allowedReasons ?? []).find((entry) => caseInsensitiveKey(entry) === key);
  return { ok: true, reason: listed !== undefined ? listed.trim() : trimmed };
}

export function checkReopen(deal: DealState): RuleCheck {
  if (deal.status === 'OPEN') return conflict('Deal is already open; only a won or lost deal can be reopened');
  return { ok: true };
}

/**
 * Deleting a stage that still holds deals would orphan them, and the won/lost stages are
 * what every pipeline must keep. Callers deleting an open stage should also run
 * validatePipelineStages on the remaining set (it must keep one open stage).
 */
export function canDeleteStage(stage: { isWon: boolean; isLost: boolean }, dealsInStage: number): RuleCheck {
  if (stage.isWon) return conflict('The won stage cannot be deleted');
  if (stage.isLost) return conflict('The lost stage cannot be deleted');
  if (dealsInStage > 0) {
    const deals = dealsInStage === 1 ? '1 deal; move it' : `${dealsInStage} deals; move them`;
    return conflict(`Stage has ${deals} to another stage first`);
  }
  return { ok: true };
}
