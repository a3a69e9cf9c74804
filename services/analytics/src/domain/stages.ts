/** The lifecycle stages in funnel order; read models report every stage, zero included. */
import { LIFECYCLE_STAGES, type LifecycleStage } from '@crm/events';

export const FUNNEL_STAGES = LIFECYCLE_STAGES;
export type FunnelStage = LifecycleStage;

/** Fill the stages no contact is in with 0, in funnel order. */
export function countsForEveryStage(rows: Array<{ stage: string; contacts: number }>): Array<{ stage: FunnelStage; contacts: number }> {
  const byStage = new Map(rows.map((r) => [r.stage, Number(r.contacts)]));
  return FUNNEL_STAGES.map((stage) => ({ stage, contacts: byStage.get(stage) ?? 0 }));
}
