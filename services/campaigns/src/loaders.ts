import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { distinctUuids as valid, rowsById as byId, rowsGroupedBy as groupBy, tenantRepository } from '@crm/service-kit';
import { Campaign, CampaignMember } from './entities';

export interface CampaignStats {
  members: number;
  sent: number;
  opened: number;
  clicked: number;
  responded: number;
  converted: number;
}
export interface Revenue {
  FIRST_TOUCH: number;
  LAST_TOUCH: number;
  LINEAR: number;
}

/**
 * Per-request batch loaders, all tenant-scoped: a list of campaigns (or contacts through
 * _entities) asks for each field once, whatever its length.
 */
export function createLoaders(m: EntityManager, tenantId: string) {
  return {
    campaign: new DataLoader<string, Campaign | null>(async (ids) =>
      byId(
        ids,
        await tenantRepository(m, Campaign, tenantId)
          .query('c')
          .andWhere('c.id = ANY(:ids)', { ids: valid(ids) })
          .getMany(),
      ),
    ),
    membershipsOfContact: new DataLoader<string, CampaignMember[]>(async (ids) => {
      const rows = await tenantRepository(m, CampaignMember, tenantId)
        .query('cm')
        .andWhere('cm.contact_id = ANY(:ids)', { ids: valid(ids) })
        .orderBy('cm.added_at', 'ASC')
        .addOrderBy('cm.id', 'ASC')
        .getMany();
      return groupBy(ids, rows, (r) => r.contactId);
    }),
    stats: new DataLoader<string, CampaignStats>(async (ids) => {
      const rows: Array<CampaignStats & { id: string }> = await tenantRepository(m, CampaignMember, tenantId)
        .query('cm')
        .select('cm.campaign_id', 'id')
        .addSelect('count(*)::int', 'members')
        .addSelect(`(count(*) FILTER (WHERE cm.status = 'SENT'))::int`, 'sent')
        .addSelect(`(count(*) FILTER (WHERE cm.status = 'OPENED'))::int`, 'opened')
        .addSelect(`(count(*) FILTER (WHERE cm.status = 'CLICKED'))::int`, 'clicked')
        .addSelect(`(count(*) FILTER (WHERE cm.status = 'RESPONDED'))::int`, 'responded')
        .addSelect(`(count(*) FILTER (WHERE cm.status = 'CONVERTED'))::int`, 'converted')
        .andWhere('cm.campaign_id = ANY(:ids)', { ids: valid(ids) })
        .groupBy('cm.campaign_id')
        .getRawMany();
      const empty = { members: 0, sent: 0, opened: 0, clicked: 0, responded: 0, converted: 0 };
      return byId(ids, rows).map((r) => (r ? { ...empty, ...r } : empty));
    }),
    revenue: new DataLoader<string, Revenue>(async (ids) => {
      const rows: Array<{ id: string; f: string; l: string; n: string }> = await m.query(
        `SELECT campaign_id AS id, sum(first_touch) AS f, sum(last_touch) AS l, sum(linear) AS n FROM campaign_attributions
          WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[]) GROUP BY campaign_id`,
        [tenantId, valid(ids)],
      );
      return byId(ids, rows).map((r) => ({ FIRST_TOUCH: Number(r?.f ?? 0), LAST_TOUCH: Number(r?.l ?? 0), LINEAR: Number(r?.n ?? 0) }));
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
