import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { distinctUuids, rowsById, rowsGroupedBy, tenantRepository } from '@crm/service-kit';
import { Company, Contact, StageChange } from './entities';

/**
 * Per-request batching: a list of contacts asks for its companies and stage histories in one
 * statement each, not one per contact, always through the tenant-scoped repository.
 */
export function createLoaders(m: EntityManager, tenantId: string) {
  return {
    company: new DataLoader<string, Company | null>(async (ids) =>
      rowsById(ids, await tenantRepository(m, Company, tenantId).query('c').andWhere('c.id = ANY(:ids)', { ids: distinctUuids(ids) }).getMany()),
    ),
    contact: new DataLoader<string, Contact | null>(async (ids) =>
      rowsById(ids, await tenantRepository(m, Contact, tenantId).query('c').andWhere('c.id = ANY(:ids)', { ids: distinctUuids(ids) }).getMany()),
    ),
    /** How many contacts each contact referred. */
    referralCount: new DataLoader<string, number>(async (ids) => {
      const rows: Array<{ id: string; n: number }> = await tenantRepository(m, Contact, tenantId)
        .query('c').select('c.referrer_id', 'id').addSelect('count(*)::int', 'n')
        .andWhere('c.referrer_id = ANY(:ids)', { ids: distinctUuids(ids) }).groupBy('c.referrer_id').getRawMany();
      return rowsById(ids, rows).map((r) => r?.n ?? 0);
    }),
    stageHistory: new DataLoader<string, StageChange[]>(async (contactIds) => {
      const rows = await tenantRepository(m, StageChange, tenantId)
        .query('h').andWhere('h.contact_id = ANY(:ids)', { ids: distinctUuids(contactIds) }).orderBy('h.seq', 'ASC').getMany();
      return rowsGroupedBy(contactIds, rows, (r) => r.contactId);
    }),
  };
}
export type LeadsLoaders = ReturnType<typeof createLoaders>;
