import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput, Connection, paginate, PageArgs, requireUuid, tenantRepository } from '@crm/service-kit';
import { Deal, PipelineStage } from '../entities';
import { isCalendarDate, type DealKind, type DealStatus } from '../domain';

export interface DealFilter {
  status?: DealStatus | null;
  pipelineId?: string | null;
  stageId?: string | null;
  ownerId?: string | null;
  contactId?: string | null;
  companyId?: string | null;
  kind?: DealKind | null;
  currency?: string | null;
  minAmount?: number | null;
  maxAmount?: number | null;
  /** YYYY-MM-DD, inclusive. */
  expectedCloseFrom?: string | null;
  expectedCloseTo?: string | null;
}

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

function checkFilter(f: DealFilter): void {
  for (const key of ['pipelineId', 'stageId', 'contactId', 'companyId'] as const) {
    const value = f[key];
    if (present(value)) requireUuid(value, `filter.${key}`);
  }
  for (const key of ['minAmount', 'maxAmount'] as const) {
    const value = f[key];
    if (present(value) && value < 0) throw badInput(`filter.${key}`, `filter.${key} must not be negative`);
  }
  if (present(f.minAmount) && present(f.maxAmount) && f.minAmount > f.maxAmount) {
    throw badInput('filter.maxAmount', 'filter.maxAmount must not be below filter.minAmount');
  }
  for (const key of ['expectedCloseFrom', 'expectedCloseTo'] as const) {
    const value = f[key];
    if (present(value) && !isCalendarDate(value)) throw badInput(`filter.${key}`, `filter.${key} must be a date written YYYY-MM-DD`);
  }
  if (present(f.expectedCloseFrom) && present(f.expectedCloseTo) && f.expectedCloseFrom > f.expectedCloseTo) {
    throw badInput('filter.expectedCloseTo', 'filter.expectedCloseTo must not be before filter.expectedCloseFrom');
  }
  if (present(f.currency) && !/^[A-Za-z]{3}$/.test(f.currency))
    throw badInput('filter.currency', 'filter.currency must be a 3-letter code');
}

/** The filter as SQL on alias `d` (values bound, never interpolated). */
function applyFilter<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, f: DealFilter): SelectQueryBuilder<T> {
  const eq: Array<[keyof DealFilter, string]> = [
    ['status', 'd.status'],
    ['pipelineId', 'd.pipeline_id'],
    ['stageId', 'd.stage_id'],
    ['ownerId', 'd.owner_id'],
    ['contactId', 'd.contact_id'],
    ['companyId', 'd.company_id'],
    ['kind', 'd.kind'],
  ];
  for (const [key, column] of eq) {
    if (present(f[key])) qb.andWhere(`${column} = :${key}`, { [key]: f[key] });
  }
  if (present(f.currency)) qb.andWhere('d.currency = :currency', { currency: f.currency.toUpperCase() });
  if (present(f.minAmount)) qb.andWhere('d.amount >= :minAmount', { minAmount: f.minAmount });
  if (present(f.maxAmount)) qb.andWhere('d.amount <= :maxAmount', { maxAmount: f.maxAmount });
  if (present(f.expectedCloseFrom)) qb.andWhere('d.expected_close_date >= :closeFrom', { closeFrom: f.expectedCloseFrom });
  if (present(f.expectedCloseTo)) qb.andWhere('d.expected_close_date <= :closeTo', { closeTo: f.expectedCloseTo });
  return qb;
}

export interface DealList extends Connection<Deal> {
  /** For DealConnection.byStage, computed only when asked for. */
  filter: DealFilter;
}

export async function listDeals(m: EntityManager, tenantId: string, filter: DealFilter = {}, page: PageArgs = {}): Promise<DealList> {
  checkFilter(filter);
  const qb = applyFilter(tenantRepository(m, Deal, tenantId).query('d'), filter);
  return { ...(await paginate(qb, 'd', page)), filter };
}

export interface StageTotal {
  stageId: string;
  currency: string;
  dealCount: number;
  amount: number;
  weightedAmount: number;
}

/**
 * The board view: per stage and currency, over every deal the filter matches (not only the
 * page), one GROUP BY. Weighted amounts round per deal like domain/money.ts weightedAmount.
 */
export async function stageTotals(m: EntityManager, tenantId: string, filter: DealFilter): Promise<StageTotal[]> {
  const qb = applyFilter(tenantRepository(m, Deal, tenantId).query('d'), filter)
    .innerJoin(PipelineStage, 's', 's.tenant_id = d.tenant_id AND s.id = d.stage_id')
    .select('d.stage_id', 'stageId')
    .addSelect('d.currency', 'currency')
    .addSelect('count(*)::int', 'dealCount')
    .addSelect('sum(d.amount)::text', 'amount')
    .addSelect('sum(round(d.amount * d.probability / 100.0))::text', 'weightedAmount')
    .groupBy('d.stage_id')
    .addGroupBy('d.currency')
    .addGroupBy('s.pipeline_id')
    .addGroupBy('s.position')
    .orderBy('s.pipeline_id')
    .addOrderBy('s.position')
    .addOrderBy('d.currency');
  const rows: Array<{ stageId: string; currency: string; dealCount: number; amount: string; weightedAmount: string }> =
    await qb.getRawMany();
  return rows.map((r) => ({ ...r, amount: Number(r.amount), weightedAmount: Number(r.weightedAmount) }));
}
