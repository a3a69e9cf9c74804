import type { EntityManager } from 'typeorm';
import { emitMany } from '@crm/events';

interface Converted {
  id: string;
  campaign_id: string;
  contact_id: string;
}

/** The rows an UPDATE ... RETURNING yields (TypeORM hands UPDATE results back as [rows, count]). */
async function updated<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await m.query(sql, params)) as [T[], number];
  return rows;
}

async function emitConverted(m: EntityManager, tenantId: string, rows: Converted[], at: Date, actor: string | null): Promise<void> {
  await emitMany(
    m,
    rows.map((r) => ({
      type: 'campaign.member_converted' as const,
      tenantId,
      aggregateId: r.id,
      actor,
      occurredAt: at,
      data: { campaignId: r.campaign_id, contactId: r.contact_id, at: at.toISOString() },
    })),
  );
}

/**
 * The contact became a customer at `at`: every membership it held before then is CONVERTED,
 * and so is the REFERRAL membership that referred it. Memberships added later are not.
 */
export async function convertMemberships(
  m: EntityManager,
  tenantId: string,
  contactId: string,
  at: Date,
  actor: string | null,
): Promise<number> {
  const own = await updated<Converted>(
    m,
    `UPDATE campaign_members SET status = 'CONVERTED', converted_at = $3
      WHERE tenant_id = $1 AND contact_id = $2 AND added_at <= $3 AND status <> 'CONVERTED'
      RETURNING id, campaign_id, contact_id`,
    [tenantId, contactId, at],
  );
  const referrals = await updated<{ member_id: string }>(
    m,
    `UPDATE campaign_referrals SET converted_at = $3 WHERE tenant_id = $1 AND referred_id = $2 AND converted_at IS NULL RETURNING member_id`,
    [tenantId, contactId, at],
  );
  const referral = referrals.length
    ? await updated<Converted>(
        m,
        `UPDATE campaign_members SET status = 'CONVERTED', converted_at = $3
        WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status <> 'CONVERTED'
        RETURNING id, campaign_id, contact_id`,
        [tenantId, referrals.map((r) => r.member_id), at],
      )
    : [];
  await emitConverted(m, tenantId, [...own, ...referral], at, actor);
  return own.length + referral.length;
}
