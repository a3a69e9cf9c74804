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

/**
 * The cohort filter, parameters $4..$6 (merged duplicates are `excluded` on their rows). Without
 * a cohort the statements read the stage intervals' covering indexes alone.
 */
function cohortJoin(q: FunnelQuery): string {
  if (!q.source && !q.capturedFrom && !q.capturedTo)
    return 'AND $4::varchar IS NULL AND $5::timestamptz IS NULL AND $6::timestamptz IS NULL';
  return `AND EXISTS (SELECT 1 FROM contact_facts c WHERE c.tenant_id = i.tenant_id AND c.contact_id = i.contact_id
    AND ($4::varchar IS NULL OR c.source = $4)
    AND ($5::timestamptz IS NULL OR c.captured_at >= $5)
    AND ($6::timestamptz IS NULL OR c.captured_at < $6))`;
}

/**
 * lifecycleFunnel over [from, to): three indexed aggregates, none a DISTINCT. reached counts each
 * contact's first reach of a stage inside the period; a contact's stays do not overlap, so at most
 * one contains `to`: current counts rows too.
 */
export async function lifecycleFunnel(m: EntityManager, q: FunnelQuery): Promise<FunnelRow[]> {
  const params = [q.tenantId, q.from, q.to, q.source ?? null, q.capturedFrom ?? null, q.capturedTo ?? null];
  const cohort = cohortJoin(q);
  const [reached, current, days] = await Promise.all([
    m.query(
      `SELECT i.stage, count(*)::int AS n FROM stage_reaches i
        WHERE i.tenant_id = $1 AND NOT i.excluded AND i.at >= $2 AND i.at < $3 AND (i.prev_at IS NULL OR i.prev_at < $2) ${cohort}
        GROUP BY i.stage`,
      params,
    ),
    m.query(
      `SELECT stage, sum(n)::int AS n FROM (
         SELECT i.stage, count(*) AS n FROM stage_intervals i
          WHERE i.tenant_id = $1 AND i.left_at IS NULL AND NOT i.excluded AND i.entered_at < $3 AND $2::timestamptz < $3 ${cohort}
          GROUP BY i.stage
         UNION ALL
         SELECT i.stage, count(*) AS n FROM stage_intervals i
          WHERE i.tenant_id = $1 AND i.left_at >= $3 AND NOT i.excluded AND i.entered_at < $3 ${cohort}
          GROUP BY i.stage) u
        GROUP BY stage`,
      params,
    ),
    m.query(
      `SELECT i.stage, avg(d.days)::float8 AS avg, percentile_cont(0.5) WITHIN GROUP (ORDER BY d.days)::float8 AS median
         FROM stage_intervals i CROSS JOIN LATERAL (SELECT extract(epoch FROM i.left_at - i.entered_at)::float8 / 86400 AS days) d
        WHERE i.tenant_id = $1 AND NOT i.excluded AND i.left_at >= $2 AND i.left_at < $3 ${cohort}
        GROUP BY i.stage`,
      params,
    ),
  ]);
  const count = (rows: Array<{ stage: string; n: number }>) => new Map(rows.map((r) => [r.stage, r.n]));
  const reachedBy = count(reached);
  const currentBy = count(current);
  const daysBy = new Map<string, { avg: number; median: number }>(
    days.map((r: { stage: string; avg: number; median: number }) => [r.stage, r]),
  );
  return FUNNEL_STAGES.map((stage) => {
    const next = nextStage(stage);
    const n = reachedBy.get(stage) ?? 0;
    return {
      stage,
      reached: n,
      current: currentBy.get(stage) ?? 0,
      ...conversion(n, next ? (reachedBy.get(next) ?? 0) : null),
      avgDaysInStage: daysBy.get(stage)?.avg ?? null,
      medianDaysInStage: daysBy.get(stage)?.median ?? null,
    };
  });
}
