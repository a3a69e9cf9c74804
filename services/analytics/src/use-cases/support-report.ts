import type { EntityManager } from 'typeorm';
import { csatShare, CSAT_SATISFIED_FROM, netPromoterScore, ratio } from '../domain/formulas';

export interface PeriodQuery {
  tenantId: string;
  from: Date;
  to: Date;
}

const OPEN_STATUSES = ['NEW', 'OPEN', 'PENDING'];

/**
 * supportReport over [from, to). Response and resolution times are the SLA's business minutes
 * when tickets sent them, else wall-clock minutes since the ticket was opened.
 */
export async function supportReport(m: EntityManager, q: PeriodQuery) {
  const p = [q.tenantId, q.from, q.to];
  const [[open], [opened], [first], [resolved], [surveys]] = await Promise.all([
    // A ticket whose latest status is before `to` is in it at `to`; the others are looked up in their history.
    m.query(
      `SELECT (SELECT count(*) FROM ticket_facts WHERE tenant_id = $1 AND status_at < $2 AND status = ANY($3))::int
            + (SELECT count(*) FROM (SELECT DISTINCT ON (s.ticket_id) s.status FROM ticket_facts f
                 JOIN ticket_statuses s ON s.tenant_id = f.tenant_id AND s.ticket_id = f.ticket_id AND s.at < $2
                WHERE f.tenant_id = $1 AND f.status_at >= $2 ORDER BY s.ticket_id, s.at DESC, s.seq DESC) h
                WHERE h.status = ANY($3))::int AS n`,
      [q.tenantId, q.to, OPEN_STATUSES],
    ),
    m.query('SELECT count(*)::int AS n FROM ticket_facts WHERE tenant_id = $1 AND opened_at >= $2 AND opened_at < $3', p),
    m.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT first_response_breached)::int AS met,
              avg(coalesce(first_response_minutes, extract(epoch FROM first_responded_at - opened_at) / 60))::float8 AS minutes
         FROM ticket_facts WHERE tenant_id = $1 AND first_responded_at >= $2 AND first_responded_at < $3`,
      p,
    ),
    m.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT r.breached)::int AS met,
              count(*) FILTER (WHERE NOT r.breached AND NOT r.first_response_breached)::int AS both_met,
              avg(coalesce(r.minutes, extract(epoch FROM r.at - coalesce(r.opened_at, t.opened_at)) / 60))::float8 AS minutes
         FROM (SELECT DISTINCT ON (ticket_id) * FROM ticket_resolutions
                WHERE tenant_id = $1 AND at >= $2 AND at < $3 ORDER BY ticket_id, at DESC) r
         LEFT JOIN ticket_facts t ON t.tenant_id = r.tenant_id AND t.ticket_id = r.ticket_id`,
      p,
    ),
    m.query(
      `SELECT count(*) FILTER (WHERE kind = 'CSAT')::int AS csat_n, count(*) FILTER (WHERE kind = 'CSAT' AND score >= $4)::int AS satisfied,
              count(*) FILTER (WHERE kind = 'NPS')::int AS nps_n, count(*) FILTER (WHERE kind = 'NPS' AND score >= 9)::int AS promoters,
              count(*) FILTER (WHERE kind = 'NPS' AND score BETWEEN 7 AND 8)::int AS passives,
              count(*) FILTER (WHERE kind = 'NPS' AND score <= 6)::int AS detractors
         FROM survey_facts WHERE tenant_id = $1 AND responded_at >= $2 AND responded_at < $3`,
      [...p, CSAT_SATISFIED_FROM],
    ),
  ]);
  return {
    openTickets: open.n,
    ticketsOpened: opened.n,
    ticketsResolved: resolved.n,
    firstResponseCompliance: ratio(first.met, first.n),
    resolutionCompliance: ratio(resolved.met, resolved.n),
    slaCompliance: ratio(resolved.both_met, resolved.n),
    avgFirstResponseMinutes: first.minutes,
    avgResolutionMinutes: resolved.minutes,
    csat: csatShare(surveys.satisfied, surveys.csat_n),
    csatResponses: surveys.csat_n,
    nps: netPromoterScore(surveys.promoters, surveys.detractors, surveys.nps_n),
    npsResponses: surveys.nps_n,
    promoters: surveys.promoters,
    passives: surveys.passives,
    detractors: surveys.detractors,
  };
}
