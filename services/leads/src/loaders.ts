import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { distinctUuids, rowsById, rowsGroupedBy, tenantRepository } from '@crm/service-kit';
import { Company, LeadSettings, StageChange } from './entities';
import type { EngagementKind } from './domain/scoring';
import { engagementsOfContacts } from './use-cases/contact-records';
import { loadSettings } from './use-cases/settings';

/**
 * Per-request batching: a list of contacts asks for its companies and stage histories in one
 * statement each, not one per contact, always through the tenant-scoped repository.
 */
export function createLoaders(m: EntityManager, tenantId: string) {
  return {
    company: new DataLoader<string, Company | null>(async (ids) =>
      rowsById(ids, await tenantRepository(m, Company, tenantId).query('c').andWhere('c.id = ANY(:ids)', { ids: distinctUuids(ids) }).getMany()),
    ),
    stageHistory: new DataLoader<string, StageChange[]>(async (contactIds) => {
      const rows = await tenantRepository(m, StageChange, tenantId)
        .query('h').andWhere('h.contact_id = ANY(:ids)', { ids: distinctUuids(contactIds) }).orderBy('h.seq', 'ASC').getMany();
      return rowsGroupedBy(contactIds, rows, (r) => r.contactId);
    }),
    /** The tenant's settings, read once per request however many contacts are scored. */
    settings: new DataLoader<string, LeadSettings>(async (tenants) => Promise.all(tenants.map((t) => loadSettings(m, t)))),
    engagements: new DataLoader<string, Array<{ kind: EngagementKind; at: Date }>>(async (contactIds) => {
      const rows = await engagementsOfContacts(m, tenantId, distinctUuids(contactIds));
      return rowsGroupedBy(contactIds, rows, (r) => r.contactId);
    }),
  };
}
export type LeadsLoaders = ReturnType<typeof createLoaders>;
