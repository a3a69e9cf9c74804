import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { distinctUuids as valid, rowsById as byId, rowsGroupedBy as groupBy, tenantRepository } from '@crm/service-kit';
import { Deal, DealStageChange, Pipeline, PipelineStage, Activity } from './entities';
import { activitiesOf, ActivityStatus } from './use-cases/activity-queries';

export interface ActivityKey {
  id: string;
  status: ActivityStatus | null;
  first: number;
}

/**
 * Per-request batch loaders: every list of contacts (or deals, companies) asks the database
 * once per field, whatever its size (DESIGN §3, the _entities path included). All tenant-scoped.
 */
export function createLoaders(m: EntityManager, tenantId: string) {
  const deals = () => tenantRepository(m, Deal, tenantId).query('d');
  const dealsOf = (column: 'contact_id' | 'company_id') =>
    new DataLoader<string, Deal[]>(async (ids) => {
      const rows = await deals().andWhere(`d.${column} = ANY(:ids)`, { ids: valid(ids) }).orderBy('d.created_at', 'DESC').addOrderBy('d.id', 'DESC').getMany();
      return groupBy(ids, rows, (d) => (column === 'contact_id' ? d.contactId : d.companyId));
    });
  const activitiesOfParent = (column: 'contact_id' | 'deal_id') =>
    new DataLoader<ActivityKey, Activity[], string>(
      async (keys) => {
        // One statement per distinct (status, first): one in practice, for a list of contacts.
        const results = new Map<ActivityKey, Activity[]>();
        const sets = new Map<string, ActivityKey[]>();
        for (const k of keys) sets.set(`${k.status}|${k.first}`, [...(sets.get(`${k.status}|${k.first}`) ?? []), k]);
        const now = new Date();
        for (const group of sets.values()) {
          const { status, first } = group[0];
          const ids = group.map((k) => k.id);
          const rows = await activitiesOf(m, tenantId, column, valid(ids), status, first, now);
          const lists = groupBy(ids, rows, (a) => (column === 'contact_id' ? a.contactId : a.dealId));
          group.forEach((k, i) => results.set(k, lists[i]));
        }
        return keys.map((k) => results.get(k)!);
      },
      { cacheKeyFn: (k) => `${k.id}|${k.status}|${k.first}` },
    );
  return {
    deal: new DataLoader<string, Deal | null>(async (ids) => byId(ids, await deals().andWhere('d.id = ANY(:ids)', { ids: valid(ids) }).getMany())),
    stage: new DataLoader<string, PipelineStage | null>(async (ids) =>
      byId(ids, await tenantRepository(m, PipelineStage, tenantId).query('s').andWhere('s.id = ANY(:ids)', { ids: valid(ids) }).getMany()),
    ),
    pipeline: new DataLoader<string, Pipeline | null>(async (ids) =>
      byId(ids, await tenantRepository(m, Pipeline, tenantId).query('p').andWhere('p.id = ANY(:ids)', { ids: valid(ids) }).getMany()),
    ),
    /** Active stages of each pipeline, in board order. */
    stagesOfPipeline: new DataLoader<string, PipelineStage[]>(async (ids) => {
      const rows = await tenantRepository(m, PipelineStage, tenantId)
        .query('s').andWhere('s.pipeline_id = ANY(:ids)', { ids: valid(ids) }).andWhere('s.archived_at IS NULL')
        .orderBy('s.position', 'ASC').getMany();
      return groupBy(ids, rows, (s) => s.pipelineId);
    }),
    history: new DataLoader<string, DealStageChange[]>(async (ids) => {
      const rows = await tenantRepository(m, DealStageChange, tenantId)
        .query('h').andWhere('h.deal_id = ANY(:ids)', { ids: valid(ids) }).orderBy('h.seq', 'ASC').getMany();
      return groupBy(ids, rows, (h) => h.dealId);
    }),
    dealsOfContact: dealsOf('contact_id'),
    dealsOfCompany: dealsOf('company_id'),
    activitiesOfContact: activitiesOfParent('contact_id'),
    activitiesOfDeal: activitiesOfParent('deal_id'),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
