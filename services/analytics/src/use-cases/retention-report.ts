import type { EntityManager } from 'typeorm';
import { CUSTOMER_STAGES } from '../domain/stages';
import { average, ratio } from '../domain/formulas';
import { reportCurrency } from './currency';

export interface RetentionQuery {
  tenantId: string;
  from: Date;
  to: Date;
  currency?: string | null;
}

const NOT_MERGED = 'NOT i.excluded';

/** Customers (CUSTOMER or PROMOTER) just before instant $2 (stays do not overlap: one per contact at most). */
const CUSTOMERS_AT = `SELECT count(*)::int AS n FROM stage_intervals i
  WHERE i.tenant_id = $1 AND i.stage = ANY($3) AND i.entered_at < $2 AND (i.left_at IS NULL OR i.left_at >= $2) AND ${NOT_MERGED}`;

/**
 * retentionReport over [from, to). A customer is a contact in CUSTOMER or PROMOTER; newCustomers
 * became one for the first time in the period, reconquered became one again after CHURNED.
 * Won-deal figures are as of `to` (deals closed before it).
 */
export async function retentionReport(m: EntityManager, q: RetentionQuery) {
  const currency = await reportCurrency(m, q.tenantId, q.currency);
  const customers = [...CUSTOMER_STAGES];
  const earlier = (
    stages: string,
  ) => `EXISTS (SELECT 1 FROM stage_intervals p WHERE p.tenant_id = i.tenant_id AND p.contact_id = i.contact_id
      AND p.stage = ANY(${stages}) AND (p.entered_at, p.seq) < (i.entered_at, i.seq))`;
  const [[atStart], [atEnd], [moves], [buyers]] = await Promise.all([
    m.query(CUSTOMERS_AT, [q.tenantId, q.from, customers]),
    m.query(CUSTOMERS_AT, [q.tenantId, q.to, customers]),
    m.query(
      `SELECT count(DISTINCT i.contact_id) FILTER (WHERE i.stage = 'CHURNED')::int AS churned,
              count(DISTINCT i.contact_id) FILTER (WHERE i.stage = ANY($4) AND NOT ${earlier('$4')})::int AS new_customers,
              count(DISTINCT i.contact_id) FILTER (WHERE i.stage = ANY($4) AND ${earlier("ARRAY['CHURNED']")})::int AS reconquered
         FROM stage_intervals i
        WHERE i.tenant_id = $1 AND i.entered_at >= $2 AND i.entered_at < $3 AND ${NOT_MERGED}
          AND (i.stage = 'CHURNED' OR (i.stage = ANY($4) AND (i.from_stage IS NULL OR NOT i.from_stage = ANY($4))))`,
      [q.tenantId, q.from, q.to, customers],
    ),
    m.query(
      `SELECT count(*)::int AS buyers, count(*) FILTER (WHERE won >= 2)::int AS repeaters,
              count(*) FILTER (WHERE in_currency > 0)::int AS buyers_in_currency, coalesce(sum(revenue), 0)::text AS revenue
         FROM (SELECT contact_id, count(*) AS won, count(*) FILTER (WHERE currency = $3) AS in_currency,
                      sum(amount) FILTER (WHERE currency = $3) AS revenue
                 FROM deal_facts WHERE tenant_id = $1 AND status = 'WON' AND closed_at < $2 GROUP BY contact_id) b`,
      [q.tenantId, q.to, currency],
    ),
  ]);
  return {
    currency,
    customersAtStart: atStart.n,
    newCustomers: moves.new_customers,
    churned: moves.churned,
    reconquered: moves.reconquered,
    customersAtEnd: atEnd.n,
    churnRate: ratio(moves.churned, atStart.n),
    repeatPurchaseRate: ratio(buyers.repeaters, buyers.buyers),
    avgLifetimeValue: average(Number(buyers.revenue), buyers.buyers_in_currency),
  };
}
