// Lifecycle stage rules (the README's lifecycle rules). Pure: no I/O, no clock; callers pass `now` where time matters.

import { LIFECYCLE_STAGES, type LifecycleStage } from '@crm/events';

// The stage list itself is part of the event contract: it lives in the catalog alone.
export { LIFECYCLE_STAGES, type LifecycleStage };

/** Who caused a stage change; recorded in StageChange.source. */
export type StageChangeSource = 'API' | 'IMPORT' | 'RULE' | 'EVENT';

export type TransitionKind = 'FORWARD' | 'RECYCLE' | 'DISQUALIFY' | 'CHURN' | 'RECONQUEST' | 'REENGAGE';
export type TransitionErrorCode = 'SAME_STAGE' | 'ILLEGAL_TRANSITION' | 'REASON_REQUIRED';
export type TransitionVerdict = { ok: true; kind: TransitionKind } | { ok: false; code: TransitionErrorCode; message: string };

/** A move decided by an automatic rule; `null` from a rule means "no move". */
export interface StageMove {
  to: LifecycleStage;
  reason: string;
  /**
   * Pass through this stage first (two recorded changes, both legal): a disqualified contact
   * who buys is re-engaged (DISQUALIFIED -> LEAD), then won (LEAD -> CUSTOMER).
   */
  via?: LifecycleStage;
}

const STAGE_SET: ReadonlySet<string> = new Set(LIFECYCLE_STAGES);

export function isLifecycleStage(x: string): x is LifecycleStage {
  return STAGE_SET.has(x);
}

/** The forward funnel; CHURNED and DISQUALIFIED sit outside it. */
const FUNNEL: readonly LifecycleStage[] = ['VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER'];
const PRE_CUSTOMER: readonly LifecycleStage[] = ['VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY'];
const PRE_OPPORTUNITY: readonly LifecycleStage[] = ['VISITOR', 'LEAD', 'MQL', 'SQL'];

export function isPreCustomer(stage: LifecycleStage): boolean {
  return PRE_CUSTOMER.includes(stage);
}

export function isCustomerStage(stage: LifecycleStage): boolean {
  return stage === 'CUSTOMER' || stage === 'PROMOTER';
}

/** Backward and side moves (the README's lifecycle rules): legal only with a non-blank reason. */
const EXPLICIT_MOVES: ReadonlyArray<readonly [LifecycleStage, LifecycleStage, TransitionKind]> = [
  ['SQL', 'MQL', 'RECYCLE'],
  ['SQL', 'LEAD', 'RECYCLE'],
  ['OPPORTUNITY', 'MQL', 'RECYCLE'],
  ['OPPORTUNITY', 'LEAD', 'RECYCLE'],
  ...PRE_CUSTOMER.map((from) => [from, 'DISQUALIFIED', 'DISQUALIFY'] as const),
  ['CUSTOMER', 'CHURNED', 'CHURN'],
  ['PROMOTER', 'CHURNED', 'CHURN'],
  ['CHURNED', 'OPPORTUNITY', 'RECONQUEST'],
  ['CHURNED', 'CUSTOMER', 'RECONQUEST'],
  ['DISQUALIFIED', 'LEAD', 'REENGAGE'],
];

function explicitKind(from: LifecycleStage, to: LifecycleStage): TransitionKind | undefined {
  return EXPLICIT_MOVES.find(([f, t]) => f === from && t === to)?.[2];
}

function isBlank(s: string | null | undefined): boolean {
  return s == null || s.trim() === '';
}

export function checkTransition(from: LifecycleStage, to: LifecycleStage, reason?: string | null): TransitionVerdict {
  if (from === to) {
    return { ok: false, code: 'SAME_STAGE', message: `Contact is already in stage ${to}` };
  }
  const fromIndex = FUNNEL.indexOf(from);
  const toIndex = FUNNEL.indexOf(to);
  if (fromIndex >= 0 && toIndex > fromIndex) return { ok: true, kind: 'FORWARD' };

  const kind = explicitKind(from, to);
  if (kind === undefined) {
    return { ok: false, code: 'ILLEGAL_TRANSITION', message: `Cannot move a contact from ${from} to ${to}` };
  }
  if (isBlank(reason)) {
    return {
      ok: false,
      code: 'REASON_REQUIRED',
      message: `A reason is required to move a contact from ${from} to ${to}`,
    };
  }
  return { ok: true, kind };
}

// ---------------------------------------------------------------------------------------------
// Automatic moves. Each returns the move to make, or null; the caller applies it through
// checkTransition like any other change (source RULE or EVENT).

export function onDealCreated(current: LifecycleStage): StageMove | null {
  if (PRE_OPPORTUNITY.includes(current)) return { to: 'OPPORTUNITY', reason: 'Deal created' };
  if (current === 'CHURNED') return { to: 'OPPORTUNITY', reason: 'Deal created for a churned customer (reconquest)' };
  return null;
}

/** A won deal for someone already a customer is a repeat purchase: counted, no stage move. */
export function isRepeatPurchase(current: LifecycleStage): boolean {
  return isCustomerStage(current);
}

export function onDealWon(current: LifecycleStage): StageMove | null {
  if (isRepeatPurchase(current)) return null;
  if (current === 'CHURNED') return { to: 'CUSTOMER', reason: 'Deal won from a churned customer (reconquest)' };
  // DISQUALIFIED -> CUSTOMER is not a legal move; the purchase re-engages the contact first.
  if (current === 'DISQUALIFIED') return { to: 'CUSTOMER', via: 'LEAD', reason: 'Deal won from a disqualified contact' };
  return { to: 'CUSTOMER', reason: 'Deal won' };
}

/**
 * Only SQL/OPPORTUNITY are recycled: those are the stages a deal put the contact in, and the
 * only ones from which a move back to MQL/LEAD is a legal recycle. An earlier stage moving to
 * MQL on a lost deal would be a promotion, so they stay put.
 */
export function onDealLost(current: LifecycleStage, otherOpenDeals: number, recycleStage: 'MQL' | 'LEAD'): StageMove | null {
  if (otherOpenDeals !== 0) return null;
  if (current !== 'SQL' && current !== 'OPPORTUNITY') return null;
  return { to: recycleStage, reason: 'Last open deal lost' };
}

export interface NpsDecision {
  move: StageMove | null;
  /** Set for a customer-stage contact whose score is at or below the detractor threshold. */
  churnRisk: boolean;
}

function assertNpsScore(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 10) {
    throw new RangeError(`${name} must be an integer from 0 to 10, got ${value}`);
  }
}

export function onNpsResponse(current: LifecycleStage, score: number, promoterThreshold = 9, detractorThreshold = 6): NpsDecision {
  assertNpsScore('score', score);
  assertNpsScore('promoterThreshold', promoterThreshold);
  assertNpsScore('detractorThreshold', detractorThreshold);
  // Overlapping thresholds would make one answer both a promoter and a churn risk.
  if (detractorThreshold >= promoterThreshold) {
    throw new RangeError('detractorThreshold must be below promoterThreshold');
  }
  const move: StageMove | null =
    current === 'CUSTOMER' && score >= promoterThreshold ? { to: 'PROMOTER', reason: `NPS response ${score}` } : null;
  const churnRisk = isCustomerStage(current) && score <= detractorThreshold;
  return { move, churnRisk };
}

export function onCampaignResponse(current: LifecycleStage): StageMove | null {
  return current === 'VISITOR' ? { to: 'LEAD', reason: 'Responded to a campaign' } : null;
}

/** Only an upward crossing moves, so a score hovering above the threshold doesn't re-trigger. */
export function onScoreChanged(current: LifecycleStage, previousScore: number, newScore: number, mqlThreshold: number): StageMove | null {
  if (current !== 'VISITOR' && current !== 'LEAD') return null;
  if (!(previousScore < mqlThreshold && newScore >= mqlThreshold)) return null;
  return { to: 'MQL', reason: `Score ${newScore} reached the MQL threshold ${mqlThreshold}` };
}

export interface ChurnCheckInput {
  stage: LifecycleStage;
  lastPurchaseAt: Date | null;
  lastEngagementAt: Date | null;
  customerSince: Date;
  now: Date;
  inactivityDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * True when a customer-stage contact has been inactive for MORE than `inactivityDays`: activity
 * exactly `inactivityDays` ago still counts as "within". Inactivity runs from the latest of
 * last purchase, last engagement and customerSince, so a new customer isn't churned at once.
 */
export function shouldChurn(input: ChurnCheckInput): boolean {
  const { stage, lastPurchaseAt, lastEngagementAt, customerSince, now, inactivityDays } = input;
  if (!(Number.isFinite(inactivityDays) && inactivityDays > 0)) {
    throw new RangeError(`inactivityDays must be a positive number, got ${inactivityDays}`);
  }
  if (!isCustomerStage(stage)) return false;
  const times = [lastPurchaseAt, lastEngagementAt, customerSince]
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime())
    .filter((t) => !Number.isNaN(t));
  // No usable date at all: we can't prove inactivity, so don't churn.
  if (times.length === 0 || Number.isNaN(now.getTime())) return false;
  const lastActivity = Math.max(...times);
  return now.getTime() - lastActivity > inactivityDays * DAY_MS;
}
