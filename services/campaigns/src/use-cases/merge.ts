import type { EntityManager } from 'typeorm';
import { tenantRepository } from '@crm/service-kit';
import { CampaignMember } from '../entities';
import { furthestStatus } from '../domain';
import { markMerged } from './replica';

const earlier = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));

/**
 * contact.merged: the duplicate's memberships move to the primary. Where both were members of
 * one campaign, the earlier membership stays, with the furthest status and the earliest of
 * each timestamp; the other's responses move to it. Referrals follow the referrer.
 */
export async function moveMergedMemberships(m: EntityManager, tenantId: string, primaryId: string, duplicateId: string): Promise<void> {
  await markMerged(m, tenantId, duplicateId, primaryId);
  const members = tenantRepository(m, CampaignMember, tenantId);
  const rows = await members
    .query('cm')
    .andWhere('cm.contact_id IN (:...ids)', { ids: [primaryId, duplicateId] })
    .setLock('pessimistic_write')
    .getMany();
  const byCampaign = new Map<string, CampaignMember[]>();
  for (const r of rows) byCampaign.set(r.campaignId, [...(byCampaign.get(r.campaignId) ?? []), r]);
  for (const pair of byCampaign.values()) {
    if (pair.length === 1) {
      if (pair[0].contactId === duplicateId)
        await m.query('UPDATE campaign_members SET contact_id = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, pair[0].id, primaryId]);
      continue;
    }
    const [keep, drop] = pair[0].addedAt <= pair[1].addedAt ? [pair[0], pair[1]] : [pair[1], pair[0]];
    await m.query('UPDATE campaign_responses SET member_id = $3 WHERE tenant_id = $1 AND member_id = $2', [tenantId, drop.id, keep.id]);
    await m.query('UPDATE campaign_referrals SET member_id = $3 WHERE tenant_id = $1 AND member_id = $2', [tenantId, drop.id, keep.id]);
    await m.query('DELETE FROM campaign_members WHERE tenant_id = $1 AND id = $2', [tenantId, drop.id]);
    Object.assign(keep, {
      contactId: primaryId,
      status: furthestStatus(keep.status, drop.status),
      openedAt: earlier(keep.openedAt, drop.openedAt),
      clickedAt: earlier(keep.clickedAt, drop.clickedAt),
      respondedAt: earlier(keep.respondedAt, drop.respondedAt),
      convertedAt: earlier(keep.convertedAt, drop.convertedAt),
      firstResponseAt: earlier(keep.firstResponseAt, drop.firstResponseAt),
    });
    await members.save(keep);
  }
  await m.query('UPDATE campaign_referrals SET referrer_id = $3 WHERE tenant_id = $1 AND referrer_id = $2', [
    tenantId,
    duplicateId,
    primaryId,
  ]);
}
