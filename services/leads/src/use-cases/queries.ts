import type { EntityManager } from 'typeorm';
import { paginate, PageArgs, requireUuid, tenantRepository } from '@crm/service-kit';
import { Contact } from '../entities';

export interface ContactFilter {
  stage?: string | null;
  ownerId?: string | null;
  companyId?: string | null;
}

export async function listContacts(m: EntityManager, tenantId: string, filter: ContactFilter = {}, page: PageArgs = {}) {
  const qb = tenantRepository(m, Contact, tenantId).query('c');
  if (filter.stage) qb.andWhere('c.lifecycle_stage = :stage', { stage: filter.stage });
  if (filter.ownerId) qb.andWhere('c.owner_id = :ownerId', { ownerId: filter.ownerId });
  if (filter.companyId) qb.andWhere('c.company_id = :companyId', { companyId: requireUuid(filter.companyId, 'filter.companyId') });
  return paginate(qb, 'c', page);
}
