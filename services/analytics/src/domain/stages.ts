/** The lifecycle stages in funnel order; read models report every stage, zero included. */
export const FUNNEL_STAGES = ['VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER', 'CHURNED', 'DISQUALIFIED'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** Fill the stages no contact is in with 0, in funnel order. */
export function countsForEveryStage(rows: Array<{ stage: string; contacts: number }>): Array<{ stage: FunnelStage; contacts: number }> {
  const byStage = new Map(rows.map((r) => [r.stage, Number(r.contacts)]));
  return FUNNEL_STAGES.map((stage) => ({ stage, contacts: byStage.get(stage) ?? 0 }));
}
