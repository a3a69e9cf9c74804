import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { hydrate, isPlainEntity, selectedColumns } from './raw-hydration';

// findOne by plain equality (`{ tenantId, id }`), the lookup nearly every use case starts with,
// as one cached SQL text and a direct hydration: TypeORM's find builds the query anew on every
// call (find options, aliases, property-name rewriting), which was a fifth of a busy process's
// CPU. The rows are the same entities TypeORM would return (its own hydration of each column).

interface Plan {
  sql: string;
  where: ColumnMetadata[];
}

const plans = new WeakMap<EntityMetadata, Map<string, Plan | null>>();
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function planFor(metadata: EntityMetadata, keys: string[], lock: boolean): Plan | null {
  let byKeys = plans.get(metadata);
  if (!byKeys) plans.set(metadata, (byKeys = new Map()));
  const cacheKey = `${keys.join(',')}|${lock}`;
  if (byKeys.has(cacheKey)) return byKeys.get(cacheKey)!;
  let plan: Plan | null = null;
  const where = keys.map((k) => metadata.findColumnWithPropertyName(k));
  if (isPlainEntity(metadata) && where.every((c): c is ColumnMetadata => !!c && !c.isVirtual)) {
    const table = metadata.tablePath.split('.').map(quote).join('.');
    const conditions = (where as ColumnMetadata[]).map((c, i) => `${quote(c.databaseName)} = $${i + 1}`).join(' AND ');
    plan = {
      sql: `SELECT ${selectedColumns(metadata)
        .map((c) => quote(c.databaseName))
        .join(', ')} FROM ${table} WHERE ${conditions} LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
      where: where as ColumnMetadata[],
    };
  }
  byKeys.set(cacheKey, plan);
  return plan;
}

/**
 * The entity matching every (property, value) of `where`, or null; `lock` takes it FOR UPDATE.
 * Returns undefined (the caller uses TypeORM's find) unless every value is a string, number or
 * boolean and the entity has plain columns only.
 */
export function findOneByEquality<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  where: Record<string, unknown>,
  lock: boolean,
): Promise<T | null> | undefined {
  const keys = Object.keys(where).sort();
  if (!keys.length || keys.some((k) => !['string', 'number', 'boolean'].includes(typeof where[k]))) return undefined;
  const metadata = manager.connection.getMetadata(entity);
  const plan = planFor(metadata, keys, lock);
  if (!plan) return undefined;
  const driver = manager.connection.driver;
  const params = plan.where.map((c, i) => driver.preparePersistentValue(where[keys[i]], c));
  // LIMIT 1: at most one row.
  return manager.query(plan.sql, params).then((rows: Array<Record<string, unknown>>) => hydrate<T>(manager, metadata, rows)[0] ?? null);
}
