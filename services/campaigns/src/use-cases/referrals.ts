import type { EntityManager } from 'typeorm';

/**
 * contact.created with a referrer: the referral is credited to the referrer's membership in an
 * ACTIVE REFERRAL campaign (the most recently joined if several), once per referred contact.
 * No such membership: nothing to credit.
 */
export async function creditReferral(
  m: EntityManager,
  tenantId: string,
  referredId: string,
  referrerId: string,
  at: Date,
): Promise<boolean> {
  const rows: unknown[] = await m.query(
    `INSERT INTO campaign_referrals (tenant_id, referred_id, referrer_id, member_id, referred_at)
     SELECT $1::varchar, $2::uuid, $3::uuid, cm.id, $4::timestamptz FROM campaign_members cm
       JOIN campaigns c ON c.tenant_id = cm.tenant_id AND c.id = cm.campaign_id
      WHERE cm.tenant_id = $1 AND cm.contact_id = $3 AND c.kind = 'REFERRAL' AND c.status = 'ACTIVE'
      ORDER BY cm.added_at DESC, cm.id DESC LIMIT 1
     ON CONFLICT (tenant_id, referred_id) DO NOTHING RETURNING referred_id`,
    [tenantId, referredId, referrerId, at],
  );
  return rows.length > 0;
}
