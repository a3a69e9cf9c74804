import type { EntityManager } from 'typeorm';
import { FUNNEL_STAGES, FunnelStage, nextStage } from '../domain/stages';
import { conversion } from '../domain/formulas';

export interface FunnelQuery {
  tenantId: string;
  from: Date;
  to: Date;
  source?: string | null;
  capturedFrom?: Date | null;
  capturedTo?: Date | null;
}

export interface FunnelRow {
  stage: FunnelStage;
  reached: number;
  current: number;
  conversionToNext: number | null;
  dropOff: number | null;
  avgDaysInStage: number | null;
  medianDaysInStage: number | null;
}

/** The cohort (and merged-duplicate) filter every funnel statement shares; parameters $4..$6. */
const COHORT = `LEFT JOIN contact_facts c ON c.tenant_id = i.tenant_id AND c.contact_id = i.contact_id
  WHERE i.tenant_id = $1 AND c.merged_into IS NULL
    AND ($4::varchar IS NULL OR c.source = $4)
    AND ($5::timestamptz IS NULL OR c.captured_at >= $5)
    AND ($6::timestamptz IS NULL OR c.captured_at < $6)`;

/** lifecycleFunnel over [from, to): three indexed aggregates over the stage intervals. */
export async function lifecycleFunnel(m: EntityManager, q: FunnelQuery): Promise<FunnelRow[]> {
  const params = [q.tenantId, q.from, q.to, q.source ?? null, q.capturedFrom ?? null, q.capturedTo ?? null];
  const [reached, current, days] = await Promise.all([
    m.query(
      `SELECT r.stage, count(DISTINCT i.contact_id)::int AS n
         FROM stage_intervals i CROSS JOIN LATERAL unnest(i.reached) AS r(stage) ${COHORT}
          AND i.entered_at >= $2 AND i.entered_at < $3
        GROUP BY r.stage`,
      params,
    ),
    m.query(
      `SELECT i.stage, count(DISTINCT i.contact_id)::int AS n FROM stage_intervals i ${COHORT}
          AND i.entered_at < $3 AND (i.left_at IS NULL OR i.left_at >= $3) AND $2::timestamptz < $3
        GROUP BY i.stage`,
      params,
    ),
    m.query(
      `SELECT i.stage, avg(d.days)::float8 AS avg, percentile_cont(0.5) WITHIN GROUP (ORDER BY d.days)::float8 AS median
         FROM stage_intervals i CROSS JOIN LATERAL (SELECT extract(epoch FROM i.left_at - i.entered_at)::float8 / 86400 AS days) d ${COHORT}
          AND i.left_at >= $2 AND i.left_at < $3
        GROUP BY i.stage`,
      params,
    ),
  ]);
  const count = (rows: Array<{ stage: string; n: number }>) => new Map(rows.map((r) => [r.stage, r.n]));
  const reachedBy = count(reached);
  const currentBy = count(current);
  const daysBy = new Map<string, { avg: number; median: number }>(days.map((r: { stage: string; avg: number; median: number }) => [r.stage, r]));
  return FUNNEL_STAGES.map((stage) => {
    const next = nextStage(stage);
    const n = reachedBy.get(stage) ?? 0;
    return {
      stage,
      reached: n,
      current: currentBy.get(stage) ?? 0,
      ...conversion(n, next ? reachedBy.get(next) ?? 0 : null),
      avgDaysInStage: daysBy.get(stage)?.avg ?? null,
      medianDaysInStage: daysBy.get(stage)?.median ?? null,
    };
  });
}
