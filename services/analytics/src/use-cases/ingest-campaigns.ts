import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@crm/events';

type Launched = EventEnvelope<'campaign.launched'>;
type Cost = EventEnvelope<'campaign.cost_recorded'>;
type MemberEvent =
  EventEnvelope<'campaign.member_added'> | EventEnvelope<'campaign.response_recorded'> | EventEnvelope<'campaign.member_converted'>;
type Attributed = EventEnvelope<'campaign.revenue_attributed'>;

const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : Date.parse(a) <= Date.parse(b) ? a : b);

/** launched / cost_recorded: the currency, and the actual cost (a running total: the largest one seen is the latest). */
export async function recordCampaignFacts(m: EntityManager, launched: Launched[], costs: Cost[]): Promise<void> {
  const facts = new Map<string, { tenant_id: string; campaign_id: string; currency: string | null; actual_cost: number }>();
  const fact = (tenantId: string, campaignId: string) => {
    const key = `${tenantId}|${campaignId}`;
    if (!facts.has(key)) facts.set(key, { tenant_id: tenantId, campaign_id: campaignId, currency: null, actual_cost: 0 });
    return facts.get(key)!;
  };
  for (const e of launched) fact(e.tenantId, e.aggregateId).currency ??= e.data.currency ?? null;
  for (const e of costs) {
    const f = fact(e.tenantId, e.data.campaignId);
    f.currency = e.data.currency;
    f.actual_cost = Math.max(f.actual_cost, e.data.actualCost);
  }
  await m.query(
    `INSERT INTO campaign_facts (tenant_id, campaign_id, currency, actual_cost)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, campaign_id uuid, currency char(3), actual_cost bigint)
     ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET currency = COALESCE(EXCLUDED.currency, campaign_facts.currency),
       actual_cost = GREATEST(campaign_facts.actual_cost, EXCLUDED.actual_cost)`,
    [JSON.stringify([...facts.values()])],
  );
}

/** Membership, first response and conversion: each the earliest time seen, so order never matters. */
export async function recordMembers(m: EntityManager, events: MemberEvent[]): Promise<void> {
  const rows = new Map<
    string,
    {
      tenant_id: string;
      campaign_id: string;
      contact_id: string;
      added_at: string | null;
      first_response_at: string | null;
      responded_at: string | null;
      converted_at: string | null;
    }
  >();
  for (const e of events) {
    const key = `${e.tenantId}|${e.data.campaignId}|${e.data.contactId}`;
    const row = rows.get(key) ?? {
      tenant_id: e.tenantId,
      campaign_id: e.data.campaignId,
      contact_id: e.data.contactId,
      added_at: null,
      first_response_at: null,
      responded_at: null,
      converted_at: null,
    };
    if (e.type === 'campaign.member_added') row.added_at = earliest(row.added_at, e.data.addedAt ?? e.occurredAt);
    if (e.type === 'campaign.response_recorded') {
      row.first_response_at = earliest(row.first_response_at, e.occurredAt);
      if (e.data.responseType === 'RESPONDED') row.responded_at = earliest(row.responded_at, e.occurredAt);
    }
    if (e.type === 'campaign.member_converted') row.converted_at = earliest(row.converted_at, e.data.at);
    rows.set(key, row);
  }
  await m.query(
    `INSERT INTO campaign_members (tenant_id, campaign_id, contact_id, added_at, first_response_at, responded_at, converted_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, campaign_id uuid, contact_id uuid,
       added_at timestamptz, first_response_at timestamptz, responded_at timestamptz, converted_at timestamptz)
     ON CONFLICT (tenant_id, campaign_id, contact_id) DO UPDATE SET
       added_at = LEAST(campaign_members.added_at, EXCLUDED.added_at),
       first_response_at = LEAST(campaign_members.first_response_at, EXCLUDED.first_response_at),
       responded_at = LEAST(campaign_members.responded_at, EXCLUDED.responded_at),
       converted_at = LEAST(campaign_members.converted_at, EXCLUDED.converted_at)`,
    [JSON.stringify([...rows.values()])],
  );
}

/**
 * campaign.revenue_attributed: a deal's attribution as of its latest win (a reopened and re-won
 * deal is attributed again); an older attribution arriving late changes nothing.
 */
export async function recordAttributions(m: EntityManager, events: Attributed[]): Promise<void> {
  for (const e of events) {
    const newer = await m.query('SELECT 1 FROM campaign_attributions WHERE tenant_id = $1 AND deal_id = $2 AND closed_at > $3 LIMIT 1', [
      e.tenantId,
      e.data.dealId,
      e.data.closedAt,
    ]);
    if (newer.length) continue;
    await m.query('DELETE FROM campaign_attributions WHERE tenant_id = $1 AND deal_id = $2 AND closed_at < $3', [
      e.tenantId,
      e.data.dealId,
      e.data.closedAt,
    ]);
    const rows = e.data.touches.map((t) => ({
      tenant_id: e.tenantId,
      deal_id: e.data.dealId,
      campaign_id: t.campaignId,
      closed_at: e.data.closedAt,
      currency: e.data.currency,
      first_touch: t.firstTouch,
      last_touch: t.lastTouch,
      linear: t.linear,
    }));
    await m.query(
      `INSERT INTO campaign_attributions (tenant_id, deal_id, campaign_id, closed_at, currency, first_touch, last_touch, linear)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, deal_id uuid, campaign_id uuid, closed_at timestamptz,
         currency char(3), first_touch bigint, last_touch bigint, linear bigint)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }
}
