import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { distinctUuids, rowsById, rowsGroupedBy, tenantRepository } from '@crm/service-kit';
import { Company, Contact, LeadSettings, StageChange } from './entities';
import type { EngagementKind } from './domain/scoring';
import { engagementsOfContacts } from './use-cases/contact-records';
import { loadSettings } from './use-cases/settings';

/** Nested histories are bounded: a contact moved 10k times costs a page, not 10k rows. */
export const MAX_HISTORY = 100;

/**
 * Per-request batching: a list of contacts asks for its companies and stage histories in one
 * statement each, not one per contact, always through the tenant-scoped repository.
 */
export function createLoaders(m: EntityManager, tenantId: string) {
  const company = new DataLoader<string, Company | null>(async (ids) =>
    rowsById(
      ids,
      await tenantRepository(m, Company, tenantId)
        .query('c')
        .andWhere('c.id = ANY(:ids)', { ids: distinctUuids(ids) })
        .getMany(),
    ),
  );
  /** Companies read with a page of contacts (companiesOfPage). */
  const companiesRead = new Map<string, Company | null>();
  return {
    company,
    /** A company read with a page: asked again in this request, it is answered from there. */
    rememberCompany: (id: string, row: Company | null) => {
      companiesRead.set(id, row);
      company.prime(id, row);
    },
    /** A contact's company: a value when the page read it (fifty promises a page cost more than its statement). */
    companyOf: (id: string): Company | null | Promise<Company | null> => {
      const read = companiesRead.get(id);
      return read !== undefined ? read : company.load(id);
    },
    contact: new DataLoader<string, Contact | null>(async (ids) =>
      rowsById(
        ids,
        await tenantRepository(m, Contact, tenantId)
          .query('c')
          .andWhere('c.id = ANY(:ids)', { ids: distinctUuids(ids) })
          .getMany(),
      ),
    ),
    /** How many contacts each contact referred. */
    referralCount: new DataLoader<string, number>(async (ids) => {
      const rows: Array<{ id: string; n: number }> = await tenantRepository(m, Contact, tenantId)
        .query('c')
        .select('c.referrer_id', 'id')
        .addSelect('count(*)::int', 'n')
        .andWhere('c.referrer_id = ANY(:ids)', { ids: distinctUuids(ids) })
        .groupBy('c.referrer_id')
        .getRawMany();
      return rowsById(ids, rows).map((r) => r?.n ?? 0);
    }),
    stageHistory: new DataLoader<string, StageChange[]>(async (contactIds) => {
      // Bounded per contact in SQL: the latest MAX_HISTORY moves, returned oldest first.
      const rows = await tenantRepository(m, StageChange, tenantId)
        .query('h')
        .andWhere('h.contact_id = ANY(:ids)', { ids: distinctUuids(contactIds) })
        .andWhere(
          `h.seq IN (SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY contact_id ORDER BY seq DESC) AS rn
          FROM stage_changes WHERE tenant_id = :__tenant AND contact_id = ANY(:ids)) latest WHERE rn <= :max)`,
          { max: MAX_HISTORY },
        )
        .orderBy('h.seq', 'ASC')
        .getMany();
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
