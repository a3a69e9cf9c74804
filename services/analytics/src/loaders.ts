import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { distinctUuids as valid, rowsById, rowsGroupedBy, tenantRepository } from '@crm/service-kit';
import { CampaignAttribution, CampaignFact, CampaignMemberFact, StageInterval } from './entities';
import type { AttributedInCurrency, MemberCounts } from './domain/journey';

export interface CampaignData {
  counts: MemberCounts;
  attributions: AttributedInCurrency[];
  fact: CampaignFact | null;
}

/** Per-request batch loaders for the entity fields (Contact.journey, Campaign.performance), tenant-scoped. */
export function createLoaders(m: EntityManager, tenantId: string) {
  return {
    stays: new DataLoader<string, StageInterval[]>(async (ids) => {
      const rows = await tenantRepository(m, StageInterval, tenantId)
        .query('i')
        .andWhere('i.contact_id = ANY(:ids)', { ids: valid(ids) })
        .orderBy('i.entered_at', 'ASC')
        .addOrderBy('i.seq', 'ASC')
        .getMany();
      return rowsGroupedBy(ids, rows, (r) => r.contactId);
    }),
    /** One grouped statement per table for every campaign of the request. */
    campaign: new DataLoader<string, CampaignData>(async (ids) => {
      const campaignIds = valid(ids);
      const [members, attributions, facts] = await Promise.all([
        tenantRepository(m, CampaignMemberFact, tenantId)
          .query('c')
          .andWhere('c.campaign_id = ANY(:campaignIds)', { campaignIds })
          .andWhere('c.added_at IS NOT NULL')
          .select('c.campaign_id', 'campaignId')
          .addSelect('count(*)::int', 'members')
          .addSelect('count(*) FILTER (WHERE c.responded_at IS NOT NULL OR c.converted_at IS NOT NULL)::int', 'responded')
          .addSelect('count(*) FILTER (WHERE c.converted_at IS NOT NULL)::int', 'converted')
          .groupBy('c.campaign_id')
          .getRawMany<MemberCounts & { campaignId: string }>(),
        tenantRepository(m, CampaignAttribution, tenantId)
          .query('a')
          .andWhere('a.campaign_id = ANY(:campaignIds)', { campaignIds })
          .select('a.campaign_id', 'campaignId')
          .addSelect('a.currency', 'currency')
          .addSelect('sum(a.first_touch)::text', 'firstTouch')
          .addSelect('sum(a.last_touch)::text', 'lastTouch')
          .addSelect('sum(a.linear)::text', 'linear')
          .groupBy('a.campaign_id')
          .addGroupBy('a.currency')
          .getRawMany<{ campaignId: string; currency: string; firstTouch: string; lastTouch: string; linear: string }>(),
        tenantRepository(m, CampaignFact, tenantId).query('f').andWhere('f.campaign_id = ANY(:campaignIds)', { campaignIds }).getMany(),
      ]);
      const countRows = rowsById(
        ids,
        members.map((r) => ({ ...r, id: r.campaignId })),
      );
      const attributionLists = rowsGroupedBy(ids, attributions, (r) => r.campaignId);
      const factRows = rowsById(
        ids,
        facts.map((f) => ({ ...f, id: f.campaignId })),
      );
      return ids.map((_, i) => ({
        counts: countRows[i] ?? { members: 0, responded: 0, converted: 0 },
        attributions: attributionLists[i].map((a) => ({
          currency: a.currency,
          firstTouch: Number(a.firstTouch),
          lastTouch: Number(a.lastTouch),
          linear: Number(a.linear),
        })),
        fact: factRows[i],
      }));
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
