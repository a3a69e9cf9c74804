import type { EntityManager } from 'typeorm';
import { average, ratio } from '../domain/formulas';
import { reportCurrency } from './currency';

export interface PipelineQuery {
  tenantId: string;
  from: Date;
  to: Date;
  currency?: string | null;
  pipelineId?: string | null;
  ownerId?: string | null;
}

const exact = (v: string | null) => Number(v ?? 0);

/**
 * pipelineReport: closed figures over deals whose close time is in [from, to) (their latest
 * close: a reopened deal counts by its state now); open figures over each deal's last state
 * before `to`: its facts when its last event is before `to`, else its history (deal_states).
 * Everything in one currency; filters on the deal's pipeline and owner.
 */
export async function pipelineReport(m: EntityManager, q: PipelineQuery) {
  const currency = await reportCurrency(m, q.tenantId, q.currency);
  const params = [q.tenantId, q.from, q.to, currency, q.pipelineId ?? null, q.ownerId ?? null];
  const filters = `AND currency = $4 AND ($5::uuid IS NULL OR pipeline_id = $5) AND ($6::varchar IS NULL OR owner_id = $6)`;
  const [[closed], reasons, stages] = await Promise.all([
    m.query(
      `SELECT count(*) FILTER (WHERE status = 'WON')::int AS won, count(*) FILTER (WHERE status = 'LOST')::int AS lost,
              coalesce(sum(amount) FILTER (WHERE status = 'WON'), 0)::text AS won_value,
              avg(extract(epoch FROM closed_at - created_at)::float8 / 86400) FILTER (WHERE status = 'WON') AS cycle_days
         FROM deal_facts WHERE tenant_id = $1 AND closed_at >= $2 AND closed_at < $3 AND status IN ('WON', 'LOST') ${filters}`,
      params,
    ),
    m.query(
      `SELECT lost_reason AS reason, count(*)::int AS count FROM deal_facts
        WHERE tenant_id = $1 AND status = 'LOST' AND closed_at >= $2 AND closed_at < $3 ${filters}
        GROUP BY lost_reason ORDER BY count(*) DESC, lost_reason`,
      params,
    ),
    m.query(
      `SELECT stage_id AS "stageId", max(stage_name) AS "stageName", count(*)::int AS deals, sum(amount)::text AS value,
              sum(round(amount * probability / 100.0))::text AS weighted
         FROM (SELECT stage_id, stage_name, amount, probability, currency, pipeline_id, owner_id FROM deal_facts
                WHERE tenant_id = $1 AND status = 'OPEN' AND last_at < $3 AND $2::timestamptz < $3
               UNION ALL
               SELECT stage_id, stage_name, amount, probability, currency, pipeline_id, owner_id
                 FROM (SELECT DISTINCT ON (s.deal_id) s.* FROM deal_facts f
                         JOIN deal_states s ON s.tenant_id = f.tenant_id AND s.deal_id = f.deal_id AND s.at < $3
                        WHERE f.tenant_id = $1 AND f.last_at >= $3 ORDER BY s.deal_id, s.seq DESC) changed
                WHERE status = 'OPEN') open
        WHERE true ${filters}
        GROUP BY stage_id ORDER BY max(stage_name), stage_id`,
      params,
    ),
  ]);
  const byStage = stages.map((s: { stageId: string | null; stageName: string | null; deals: number; value: string; weighted: string }) => ({
    stageId: s.stageId,
    stageName: s.stageName,
    deals: s.deals,
    value: exact(s.value),
    weightedValue: exact(s.weighted),
  }));
  const wonValue = exact(closed.won_value);
  return {
    currency,
    openValue: byStage.reduce((t: number, s: { value: number }) => t + s.value, 0),
    weightedValue: byStage.reduce((t: number, s: { weightedValue: number }) => t + s.weightedValue, 0),
    openDeals: byStage.reduce((t: number, s: { deals: number }) => t + s.deals, 0),
    wonValue,
    wonCount: closed.won,
    lostCount: closed.lost,
    winRate: ratio(closed.won, closed.won + closed.lost),
    avgDealSize: average(wonValue, closed.won),
    avgSalesCycleDays: closed.cycle_days === null ? null : Number(closed.cycle_days),
    byStage,
    lossReasons: reasons,
  };
}
