import type { EntityManager } from 'typeorm';
import { emit, EventEnvelope } from '@crm/events';
import { attributeRevenue, touchTime } from '../domain';

interface Membership {
  campaign_id: string;
  added_at: Date;
  first_response_at: Date | null;
}

/**
 * deal.won: the amount is attributed to the campaigns the contact was a member of before the
 * close, in the deal's currency only (a campaign's revenue is in its own currency), under the
 * three models at once. Keyed on the deal: a redelivered or re-won deal counts once.
 */
export async function attributeWonDeal(m: EntityManager, event: EventEnvelope<'deal.won'>): Promise<number> {
  const { tenantId, aggregateId: dealId } = event;
  const { contactId, amount, currency } = event.data;
  const closedAt = new Date(event.data.closedAt);
  const first: unknown[] = await m.query(
    `INSERT INTO attributed_deals (tenant_id, deal_id, contact_id, amount, currency, closed_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING deal_id`,
    [tenantId, dealId, contactId, amount, currency, closedAt],
  );
  if (!first.length) return 0;
  const memberships: Membership[] = await m.query(
    `SELECT cm.campaign_id, cm.added_at, cm.first_response_at FROM campaign_members cm
       JOIN campaigns c ON c.tenant_id = cm.tenant_id AND c.id = cm.campaign_id
      WHERE cm.tenant_id = $1 AND cm.contact_id = $2 AND cm.added_at < $3 AND c.currency = $4`,
    [tenantId, contactId, closedAt, currency],
  );
  const shares = attributeRevenue(
    amount,
    memberships.map((r) => ({ campaignId: r.campaign_id, at: touchTime(r.added_at, r.first_response_at, closedAt) })),
  );
  if (!shares.length) return 0;
  await m.query(
    `INSERT INTO campaign_attributions (tenant_id, deal_id, campaign_id, first_touch, last_touch, linear)
     SELECT $1, $2, u.c, u.f, u.l, u.n FROM unnest($3::uuid[], $4::bigint[], $5::bigint[], $6::bigint[]) AS u(c, f, l, n)`,
    [
      tenantId,
      dealId,
      shares.map((s) => s.campaignId),
      shares.map((s) => s.firstTouch),
      shares.map((s) => s.lastTouch),
      shares.map((s) => s.linear),
    ],
  );
  await emit(m, {
    type: 'campaign.revenue_attributed',
    tenantId,
    aggregateId: dealId,
    actor: event.actor ?? null,
    occurredAt: closedAt,
    data: { dealId, contactId, closedAt: closedAt.toISOString(), amount, currency, touches: shares },
  });
  return shares.length;
}
