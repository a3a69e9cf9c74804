import type { EntityManager } from 'typeorm';
import { requireUuid } from '@crm/service-kit';
import { type Forecast, type ForecastFigures, type ForecastGroupBy, UNASSIGNED_OWNER_KEY, validateForecastInput } from '../domain';
import { unwrap } from './stages';

export interface ForecastQueryInput {
  from: string;
  to: string;
  groupBy: ForecastGroupBy;
  pipelineId?: string | null;
}

/** The group key as SQL over the `placed` rows below; chosen from a fixed set, never from input. */
const GROUP_KEY: Record<ForecastGroupBy, string> = {
  MONTH: `to_char(period_date, 'YYYY-MM')`,
  OWNER: `coalesce(owner_id, '${UNASSIGNED_OWNER_KEY}')`,
  STAGE: 'stage_id::text',
};

/**
 * The forecast of domain/forecast.ts computed by Postgres in one statement: deals placed in the
 * period (OPEN by expected close date, WON by the UTC date of closedAt), then one GROUP BY with
 * GROUPING SETS giving the groups and the per-currency totals together. Integration tests
 * check it equals computeForecast over the same rows.
 */
export async function forecast(m: EntityManager, tenantId: string, input: ForecastQueryInput): Promise<Forecast> {
  const { from, to, groupBy } = unwrap(validateForecastInput(input));
  const pipelineId = input.pipelineId ? requireUuid(input.pipelineId, 'pipelineId') : null;
  const rows: Array<{ key: string | null; currency: string; is_total: number } & Record<string, string>> = await m.query(
    `WITH placed AS (
       SELECT d.amount, d.currency, d.probability, d.status, d.owner_id, d.stage_id, s.forecast_category AS category,
              CASE WHEN d.status = 'OPEN' THEN d.expected_close_date ELSE (d.closed_at AT TIME ZONE 'UTC')::date END AS period_date
         FROM deals d
         JOIN pipeline_stages s ON s.tenant_id = d.tenant_id AND s.id = d.stage_id
        WHERE d.tenant_id = $1
          AND ($4::uuid IS NULL OR d.pipeline_id = $4)
          AND ((d.status = 'OPEN' AND d.expected_close_date BETWEEN $2::date AND $3::date)
            OR (d.status = 'WON' AND d.closed_at >= $2::date::timestamp AT TIME ZONE 'UTC'
                                 AND d.closed_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'))
     ), keyed AS (SELECT *, ${GROUP_KEY[groupBy]} AS key FROM placed)
     SELECT key, currency, grouping(key) AS is_total,
            coalesce(sum(amount) FILTER (WHERE status = 'OPEN'), 0)::text AS open_amount,
            coalesce(sum(round(amount * probability / 100.0)) FILTER (WHERE status = 'OPEN'), 0)::text AS weighted_amount,
            coalesce(sum(amount) FILTER (WHERE status = 'WON' OR category IN ('COMMIT', 'BEST_CASE')), 0)::text AS best_case,
            coalesce(sum(amount) FILTER (WHERE status = 'OPEN' AND category = 'COMMIT'), 0)::text AS commit,
            coalesce(sum(amount) FILTER (WHERE status = 'WON'), 0)::text AS closed_won,
            count(*)::text AS deal_count
       FROM keyed
      GROUP BY GROUPING SETS ((key, currency), (currency))
      ORDER BY grouping(key), key COLLATE "C", currency COLLATE "C"`,
    [tenantId, from, to, pipelineId],
  );
  const figures = (r: Record<string, string>): ForecastFigures => ({
    currency: r.currency,
    openAmount: exact(r.open_amount),
    weightedAmount: exact(r.weighted_amount),
    bestCase: exact(r.best_case),
    commit: exact(r.commit),
    closedWon: exact(r.closed_won),
    dealCount: exact(r.deal_count),
  });
  return {
    groups: rows.filter((r) => Number(r.is_total) === 0).map((r) => ({ key: r.key!, ...figures(r) })),
    totals: rows.filter((r) => Number(r.is_total) === 1).map(figures),
  };
}

function exact(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`forecast figure ${value} exceeds the exact integer range`);
  return n;
}
