import type { EntityManager } from 'typeorm';
import { badInput, characterLength, paginate, PageArgs, PageLookup, requireUuid, tenantRepository } from '@crm/service-kit';

/** Longer than any name or email we store: a longer term can match nothing. */
const MAX_SEARCH_LENGTH = 200;
import { Company, Contact } from '../entities';

export interface ContactFilter {
  stage?: string | null;
  ownerId?: string | null;
  minScore?: number | null;
  /** Words matched against first/last name, email and company name (all words must match). */
  search?: string | null;
  companyId?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  churnRisk?: boolean | null;
}

/** Each listed contact's company, read in the page's statement (for a page that shows companies). */
export const companiesOfPage = (found: (contact: Contact, company: Company | null) => void): PageLookup<Contact, Company> => ({
  entity: Company,
  alias: 'co',
  on: 'co.id = c.company_id',
  found,
});

export async function listContacts(
  m: EntityManager,
  tenantId: string,
  filter: ContactFilter = {},
  page: PageArgs = {},
  lookups: Array<PageLookup<Contact, Company>> = [],
) {
  const qb = tenantRepository(m, Contact, tenantId).query('c');
  if (filter.stage) qb.andWhere('c.lifecycle_stage = :stage', { stage: filter.stage });
  if (filter.ownerId) qb.andWhere('c.owner_id = :ownerId', { ownerId: filter.ownerId });
  if (filter.minScore != null) qb.andWhere('c.score >= :minScore', { minScore: filter.minScore });
  if (filter.companyId) qb.andWhere('c.company_id = :companyId', { companyId: requireUuid(filter.companyId, 'filter.companyId') });
  if (filter.createdAfter) qb.andWhere('c.created_at >= :createdAfter', { createdAfter: filter.createdAfter });
  if (filter.createdBefore) qb.andWhere('c.created_at < :createdBefore', { createdBefore: filter.createdBefore });
  if (filter.churnRisk != null) qb.andWhere('c.churn_risk = :churnRisk', { churnRisk: filter.churnRisk });
  if (filter.search != null) {
    const term = filter.search.trim().toLowerCase();
    if (characterLength(term) > MAX_SEARCH_LENGTH)
      throw badInput('filter.search', `search must be at most ${MAX_SEARCH_LENGTH} characters`);
    const words = term.split(/\s+/).filter(Boolean).slice(0, 5);
    if (!words.length) throw badInput('filter.search', 'search must contain at least one word');
    words.forEach((word, i) => {
      const like = `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      // Same expressions as the trigram indexes (migration ContactSearch); the company branch is
      // an array (InitPlan) so the planner can OR two bitmap index scans.
      qb.andWhere(
        `(lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' || c.email) LIKE :w${i}
          OR c.company_id = ANY(ARRAY(SELECT co.id FROM companies co WHERE co.tenant_id = :__tenant AND lower(co.name) LIKE :w${i})))`,
        { [`w${i}`]: like },
      );
    });
  }
  return paginate(qb, 'c', page, lookups);
}
