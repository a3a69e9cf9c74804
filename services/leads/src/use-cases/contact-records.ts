import type { EntityManager } from 'typeorm';
import type { EngagementKind } from '../domain/scoring';

// The named queries of leads' side tables, which carry no entity of their own (bulk inserts in
// import-chunk.ts write them set-based): contact_touches, contact_engagements, contact_deals.

export type DealStatus = 'OPEN' | 'WON' | 'LOST';

/** Every capture is a touch: where the contact came from, and through which campaign. */
export async function recordTouch(m: EntityManager, tenantId: string, contactId: string, source: string | null, campaignId: string | null) {
  await m.query('INSERT INTO contact_touches (tenant_id, contact_id, source, campaign_id) VALUES ($1, $2, $3, $4)', [
    tenantId,
    contactId,
    source,
    campaignId,
  ]);
}

export async function insertEngagement(m: EntityManager, tenantId: string, contactId: string, kind: EngagementKind, at: Date) {
  await m.query('INSERT INTO contact_engagements (tenant_id, contact_id, kind, at) VALUES ($1, $2, $3, $4)', [
    tenantId,
    contactId,
    kind,
    at,
  ]);
}

export function engagementsOf(m: EntityManager, tenantId: string, contactId: string): Promise<Array<{ kind: EngagementKind; at: Date }>> {
  return m.query('SELECT kind, at FROM contact_engagements WHERE tenant_id = $1 AND contact_id = $2', [tenantId, contactId]);
}

/** The engagements of many contacts in one statement (the scoreBreakdown loader). */
export function engagementsOfContacts(
  m: EntityManager,
  tenantId: string,
  contactIds: string[],
): Promise<Array<{ contactId: string; kind: EngagementKind; at: Date }>> {
  return m.query('SELECT contact_id AS "contactId", kind, at FROM contact_engagements WHERE tenant_id = $1 AND contact_id = ANY($2)', [
    tenantId,
    contactIds,
  ]);
}

/** leads' replica of pipeline's deals (from deal.* events): what deal.lost needs to know. */
export async function trackDeal(m: EntityManager, tenantId: string, dealId: string, contactId: string, status: DealStatus) {
  await m.query(
    `INSERT INTO contact_deals (tenant_id, deal_id, contact_id, status) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, deal_id) DO UPDATE SET status = EXCLUDED.status, contact_id = EXCLUDED.contact_id`,
    [tenantId, dealId, contactId, status],
  );
}

export async function openDealCount(m: EntityManager, tenantId: string, contactId: string): Promise<number> {
  const [row] = await m.query(`SELECT count(*)::int AS n FROM contact_deals WHERE tenant_id = $1 AND contact_id = $2 AND status = 'OPEN'`, [
    tenantId,
    contactId,
  ]);
  return row.n;
}

/** A merge moves every side record of the duplicate to the primary. */
export async function repointSideRecords(m: EntityManager, tenantId: string, primaryId: string, duplicateId: string) {
  for (const table of ['stage_changes', 'contact_touches', 'contact_engagements', 'contact_deals']) {
    await m.query(`UPDATE ${table} SET contact_id = $1 WHERE tenant_id = $2 AND contact_id = $3`, [primaryId, tenantId, duplicateId]);
  }
}
