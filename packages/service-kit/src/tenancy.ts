import { EntityManager, EntityTarget, FindManyOptions, FindOptionsWhere, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { findOneByEquality } from './equality-find';
import { MemoizedSelectQueryBuilder } from './memoized-select';
import { withRawGetMany } from './raw-hydration';

export interface TenantOwned extends ObjectLiteral {
  tenantId: string;
}

/**
 * A repository that cannot forget the tenant: every read and write is filtered on `tenant_id`
 * (docs/architecture.md). Resolvers and handlers get one of these, never a raw repository.
 */
export function tenantRepository<T extends TenantOwned>(manager: EntityManager, entity: EntityTarget<T>, tenantId: string) {
  const repo = manager.getRepository(entity);
  const scoped = (where: FindOptionsWhere<T> = {}) => ({ ...where, tenantId }) as FindOptionsWhere<T>;
  const own = <E extends T>(row: E, verb: string): E => {
    if (row.tenantId !== tenantId) throw new Error(`refusing to ${verb} a row of another tenant`);
    return row;
  };
  return {
    tenantId,
    manager,
    findOne: (where: FindOptionsWhere<T>) =>
      findOneByEquality<T>(manager, entity, scoped(where), false) ?? repo.findOne({ where: scoped(where) }),
    findOneForUpdate: (where: FindOptionsWhere<T>) =>
      findOneByEquality<T>(manager, entity, scoped(where), true) ??
      repo.findOne({ where: scoped(where), lock: { mode: 'pessimistic_write' } }),
    find: (options: Omit<FindManyOptions<T>, 'where'> & { where?: FindOptionsWhere<T> } = {}) =>
      repo.find({ ...options, where: scoped(options.where) }),
    count: (where: FindOptionsWhere<T> = {}) => repo.count({ where: scoped(where) }),
    /** A query builder already restricted to the tenant; add conditions with andWhere (getMany hydrates raw rows). */
    query: (alias: string): SelectQueryBuilder<T> =>
      withRawGetMany(
        new MemoizedSelectQueryBuilder<T>(manager.connection, manager.queryRunner)
          .select(alias)
          .from(repo.target, alias)
          .where(`${alias}.tenant_id = :__tenant`, { __tenant: tenantId }),
        manager,
      ),
    create: (values: Omit<Partial<T>, 'tenantId'>) => repo.create({ ...values, tenantId } as unknown as T),
    save: <E extends T>(row: E): Promise<E> => repo.save(own(row, 'save')),
    /** A new row (history, log entries): one INSERT, without save()'s change tracking. */
    insert: async (row: T): Promise<void> => {
      await repo.insert(own(row, 'insert'));
    },
    delete: (where: FindOptionsWhere<T>) => repo.delete(scoped(where)),
  };
}
export type TenantRepository<T extends TenantOwned> = ReturnType<typeof tenantRepository<T>>;
