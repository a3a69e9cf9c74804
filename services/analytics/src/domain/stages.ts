/** The lifecycle stages in funnel order; read models report every stage, zero included. */
import { LIFECYCLE_STAGES, type LifecycleStage } from '@crm/events';

export const FUNNEL_STAGES = LIFECYCLE_STAGES;
export type FunnelStage = LifecycleStage;

/** The forward order VISITOR < ... < PROMOTER (docs/kpis.md); CHURNED and DISQUALIFIED are outside it. */
export const FORWARD_STAGES = LIFECYCLE_STAGES.slice(0, LIFECYCLE_STAGES.indexOf('PROMOTER') + 1);
export const CUSTOMER_STAGES: readonly LifecycleStage[] = ['CUSTOMER', 'PROMOTER'];

/** Position in the forward order, or null for a side stage. */
export function forwardRank(stage: string | null): number | null {
  const i = FORWARD_STAGES.indexOf(stage as LifecycleStage);
  return i < 0 ? null : i;
}

/** The stage after `stage` in the forward order (null for PROMOTER and the side stages). */
export function nextStage(stage: LifecycleStage): LifecycleStage | null {
  const rank = forwardRank(stage);
  return rank === null || rank === FORWARD_STAGES.length - 1 ? null : FORWARD_STAGES[rank + 1];
}

/**
 * The stages a move counts as reaching: the stage entered, plus every stage it skipped past when
 * it is a forward move (MQL -> OPPORTUNITY reaches SQL too). A first stage (from null) or a move
 * out of a side stage skips nothing: the contact never was in the stages before it.
 */
export function stagesReached(from: LifecycleStage | null, to: LifecycleStage): LifecycleStage[] {
  const a = forwardRank(from);
  const b = forwardRank(to);
  if (a === null || b === null || b <= a) return [to];
  return [to, ...FORWARD_STAGES.slice(a + 1, b)];
}

/** Fill the stages no contact is in with 0, in funnel order. */
export function countsForEveryStage(rows: Array<{ stage: string; contacts: number }>): Array<{ stage: FunnelStage; contacts: number }> {
  const byStage = new Map(rows.map((r) => [r.stage, Number(r.contacts)]));
  return FUNNEL_STAGES.map((stage) => ({ stage, contacts: byStage.get(stage) ?? 0 }));
}
