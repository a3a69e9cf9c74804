import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { distinctUuids as valid, rowsById as byId, rowsGroupedBy as groupBy, tenantRepository } from '@crm/service-kit';
import { Deal, DealStageChange, Pipeline, PipelineStage, Activity } from './entities';
import { activitiesOf, ActivityStatus } from './use-cases/activity-queries';
import type { DealStatus } from './domain';

/** Nested histories are bounded: a deal moved 10k times costs a page, not 10k rows. */
export const MAX_HISTORY = 100;

/** Groups keys by their list options: one statement per distinct (status, first), one in practice. */
function byOptions<K extends { status: string | null; first: number }>(keys: readonly K[]): K[][] {
  const sets = new Map<string, K[]>();
  for (const k of keys) sets.set(`${k.status}|${k.first}`, [...(sets.get(`${k.status}|${k.first}`) ?? []), k]);
  return [...sets.values()];
}

/** A parent's deals: newest first, at most `first`, optionally of one status. */
export interface DealListKey {
  id: string;
  status: DealStatus | null;
  first: number;
}

export interface ActivityKey {
  id: string;
  status: ActivityStatus | null;
  first: number;
}

/**
 * Per-request batch loaders: every list of contacts (or deals, companies) asks the database
 * once per field, whatever its size (docs/architecture.md, the _entities path included). All tenant-scoped.
 */
export function createLoaders(m: EntityManager, tenantId: string) {
  const deals = () => tenantRepository(m, Deal, tenantId).query('d');
  // Bounded per parent in SQL (row_number over the parent), so a contact with 10k deals costs a page.
  const dealsOf = (column: 'contact_id' | 'company_id') =>
    new DataLoader<DealListKey, Deal[], string>(
      async (keys) => {
        const results = new Map<DealListKey, Deal[]>();
        for (const group of byOptions(keys)) {
          const { status, first } = group[0];
          const ids = group.map((k) => k.id);
          const statusFilter = status ? 'AND status = :status' : '';
          const rows = await deals()
            .andWhere(`d.${column} = ANY(:ids)`, { ids: valid(ids) })
            .andWhere(
              `d.id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY ${column} ORDER BY created_at DESC, id DESC) AS rn
                FROM deals WHERE tenant_id = :__tenant AND ${column} = ANY(:ids) ${statusFilter}) ranked WHERE rn <= :first)`,
              { status, first },
            )
            .orderBy('d.created_at', 'DESC')
            .addOrderBy('d.id', 'DESC')
            .getMany();
          const lists = groupBy(ids, rows, (d) => (column === 'contact_id' ? d.contactId : d.companyId));
          group.forEach((k, i) => results.set(k, lists[i]));
        }
        return keys.map((k) => results.get(k)!);
      },
      { cacheKeyFn: (k) => `${k.id}|${k.status}|${k.first}` },
    );
  const activitiesOfParent = (column: 'contact_id' | 'deal_id') =>
    new DataLoader<ActivityKey, Activity[], string>(
      async (keys) => {
        // One statement per distinct (status, first): one in practice, for a list of contacts.
        const results = new Map<ActivityKey, Activity[]>();
        const now = new Date();
        for (const group of byOptions(keys)) {
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
    deal: new DataLoader<string, Deal | null>(async (ids) =>
      byId(
        ids,
        await deals()
          .andWhere('d.id = ANY(:ids)', { ids: valid(ids) })
          .getMany(),
      ),
    ),
    stage: new DataLoader<string, PipelineStage | null>(async (ids) =>
      byId(
        ids,
        await tenantRepository(m, PipelineStage, tenantId)
          .query('s')
          .andWhere('s.id = ANY(:ids)', { ids: valid(ids) })
          .getMany(),
      ),
    ),
    pipeline: new DataLoader<string, Pipeline | null>(async (ids) =>
      byId(
        ids,
        await tenantRepository(m, Pipeline, tenantId)
          .query('p')
          .andWhere('p.id = ANY(:ids)', { ids: valid(ids) })
          .getMany(),
      ),
    ),
    /** Active stages of each pipeline, in board order. */
    stagesOfPipeline: new DataLoader<string, PipelineStage[]>(async (ids) => {
      const rows = await tenantRepository(m, PipelineStage, tenantId)
        .query('s')
        .andWhere('s.pipeline_id = ANY(:ids)', { ids: valid(ids) })
        .andWhere('s.archived_at IS NULL')
        .orderBy('s.position', 'ASC')
        .getMany();
      return groupBy(ids, rows, (s) => s.pipelineId);
    }),
    history: new DataLoader<string, DealStageChange[]>(async (ids) => {
      // Bounded per deal in SQL: the latest MAX_HISTORY changes, returned oldest first.
      const rows = await tenantRepository(m, DealStageChange, tenantId)
        .query('h')
        .andWhere('h.deal_id = ANY(:ids)', { ids: valid(ids) })
        .andWhere(
          `h.seq IN (SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY deal_id ORDER BY seq DESC) AS rn
          FROM deal_stage_changes WHERE tenant_id = :__tenant AND deal_id = ANY(:ids)) latest WHERE rn <= :max)`,
          { max: MAX_HISTORY },
        )
        .orderBy('h.seq', 'ASC')
        .getMany();
      return groupBy(ids, rows, (h) => h.dealId);
    }),
    dealsOfContact: dealsOf('contact_id'),
    /** Open amounts per currency of each contact, summed in SQL over all its open deals. */
    openValueOfContact: new DataLoader<string, Array<{ amount: number; currency: string }>>(async (ids) => {
      const rows: Array<{ contactId: string; currency: string; amount: string }> = await m.query(
        `SELECT contact_id AS "contactId", currency, sum(amount)::text AS amount FROM deals
         WHERE tenant_id = $1 AND status = 'OPEN' AND contact_id = ANY($2) GROUP BY contact_id, currency ORDER BY currency COLLATE "C"`,
        [tenantId, valid(ids)],
      );
      return groupBy(ids, rows, (r) => r.contactId).map((list) => list.map((r) => ({ currency: r.currency, amount: Number(r.amount) })));
    }),
    dealsOfCompany: dealsOf('company_id'),
    activitiesOfContact: activitiesOfParent('contact_id'),
    activitiesOfDeal: activitiesOfParent('deal_id'),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
