import type { EntityManager } from 'typeorm';
import { CAMPAIGN_CHANNELS, CAMPAIGN_KINDS, CAMPAIGN_STATUSES } from '@crm/events';
import { badInput, paginate, PageArgs, tenantRepository } from '@crm/service-kit';
import { Campaign, CampaignMember } from '../entities';
import type { MemberStatus } from '../domain';

export interface CampaignFilter {
  status?: string | null;
  kind?: string | null;
  channel?: string | null;
}

const FILTERS: Array<[keyof CampaignFilter, readonly string[]]> = [
  ['status', CAMPAIGN_STATUSES],
  ['kind', CAMPAIGN_KINDS],
  ['channel', CAMPAIGN_CHANNELS],
];

/** campaigns(filter, first, after): newest first, keyset pagination. */
export function listCampaigns(m: EntityManager, tenantId: string, filter: CampaignFilter, page: PageArgs) {
  const qb = tenantRepository(m, Campaign, tenantId).query('c');
  for (const [key, allowed] of FILTERS) {
    const value = filter[key];
    if (value === null || value === undefined) continue;
    if (!allowed.includes(value)) throw badInput(`filter.${key}`, `filter.${key} must be one of ${allowed.join(', ')}`);
    qb.andWhere(`c.${key} = :${key}`, { [key]: value });
  }
  return paginate(qb, 'c', page);
}

/** Campaign.members(first, after, status): newest first. */
export function listMembers(
  m: EntityManager,
  tenantId: string,
  campaignId: string,
  status: MemberStatus | null | undefined,
  page: PageArgs,
) {
  const qb = tenantRepository(m, CampaignMember, tenantId).query('cm').andWhere('cm.campaign_id = :campaignId', { campaignId });
  if (status) qb.andWhere('cm.status = :status', { status });
  return paginate(qb, 'cm', page);
}
