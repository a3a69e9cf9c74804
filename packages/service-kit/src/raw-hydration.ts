import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DriverUtils } from 'typeorm/driver/DriverUtils';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';

// Entities from raw rows, column by column with TypeORM's own value hydration, for entities made
// of plain columns only: what TypeORM's result transformer does for such a row, without its
// grouping by primary key (meant for joins), relation loaders and load events, which were most of
// the cost of a list read (the transformer alone took ~5 % of a subgraph's CPU).

/** Entities the raw path reproduces exactly: plain columns only, no load listeners. */
export function isPlainEntity(metadata: EntityMetadata): boolean {
  return (
    !metadata.relations.length &&
    !metadata.embeddeds.length &&
    !metadata.deleteDateColumn &&
    !metadata.discriminatorColumn &&
    !metadata.treeType &&
    metadata.tableType === 'regular' &&
    !metadata.afterLoadListeners.length
  );
}

/** The columns a plain entity reads (what TypeORM selects for it). */
export const selectedColumns = (metadata: EntityMetadata) => metadata.columns.filter((c) => c.isSelect && !c.isVirtual);

/** Column types whose pg value TypeORM's hydration returns unchanged (no transformer, no array). */
const AS_IS = new Set<unknown>([
  String,
  Number,
  'varchar',
  'character varying',
  'text',
  'uuid',
  'int',
  'integer',
  'int4',
  'int8',
  'bigint',
  'smallint',
  'numeric',
  'decimal',
  'json',
  'jsonb',
  'timestamptz',
]);

interface ColumnPlan {
  key: string;
  property: string;
  column: ColumnMetadata;
  /** Through driver.prepareHydratedValue (else as pg parsed it, which is what that returns). */
  convert: boolean;
}
const plans = new WeakMap<EntityMetadata, Map<string, ColumnPlan[]>>();

/** How each column of `metadata` is read from a row keyed `prefix` + its database name. */
function planFor(metadata: EntityMetadata, prefix: string): ColumnPlan[] {
  let byPrefix = plans.get(metadata);
  if (!byPrefix) plans.set(metadata, (byPrefix = new Map()));
  let plan = byPrefix.get(prefix);
  if (!plan) {
    plan = selectedColumns(metadata).map((column) => ({
      key: prefix ? DriverUtils.buildAlias(metadata.connection.driver, undefined, prefix, column.databaseName) : column.databaseName,
      property: column.propertyName,
      column,
      convert: !!column.transformer || column.isArray || !AS_IS.has(column.type),
    }));
    byPrefix.set(prefix, plan);
  }
  return plan;
}

/**
 * Entities from `rows`, each column under its database name, or `${alias}_${name}` as a query
 * builder selects it: the values TypeORM's hydration gives (plain entities only: no embedded
 * columns, so each value is one property).
 */
export function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  metadata: EntityMetadata,
  rows: Array<Record<string, unknown>>,
  alias = '',
): T[] {
  const driver = manager.connection.driver;
  const plan = planFor(metadata, alias);
  return rows.map((row) => {
    const entity = metadata.create(manager.queryRunner, { fromDeserializer: true }) as Record<string, unknown>;
    for (const c of plan) {
      const value = row[c.key];
      if (value !== undefined) entity[c.property] = c.convert ? driver.prepareHydratedValue(value, c.column) : value;
    }
    return entity as T;
  });
}

/** Entities LEFT JOINed under `alias` to each of `rows`: null where the row joined none (its key is null). */
export function hydrateJoined<T extends ObjectLiteral>(
  manager: EntityManager,
  metadata: EntityMetadata,
  rows: Array<Record<string, unknown>>,
  alias: string,
): Array<T | null> {
  const key = planFor(metadata, alias).find((c) => c.column.isPrimary)!.key;
  const entities = hydrate<T>(manager, metadata, rows, alias);
  return rows.map((row, i) => (row[key] == null ? null : entities[i]));
}

/**
 * The entity (and its alias) a query selects when the raw path reproduces its getMany: one plain entity, selected
 * whole, nothing joined or counted, no optimistic lock; else undefined.
 */
export function onePlainEntity<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
): { metadata: EntityMetadata; alias: string } | undefined {
  const map = qb.expressionMap;
  const main = map.mainAlias;
  const plain =
    main?.hasMetadata &&
    isPlainEntity(main.metadata) &&
    map.selects.length === 1 &&
    map.selects[0].selection === main.name &&
    !map.joinAttributes.length &&
    !map.relationIdAttributes.length &&
    !map.relationCountAttributes.length &&
    map.lockMode !== 'optimistic';
  return plain ? { metadata: main.metadata, alias: main.name } : undefined;
}

/**
 * `qb.getMany()` through `getRawMany()` and `hydrate` when the query selects one plain entity and
 * joins nothing (every tenant-scoped list read); anything else keeps TypeORM's own getMany.
 */
export function withRawGetMany<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, manager: EntityManager): SelectQueryBuilder<T> {
  const original = qb.getMany.bind(qb);
  qb.getMany = async () => {
    const main = onePlainEntity(qb);
    if (!main) return original();
    return hydrate<T>(manager, main.metadata, await qb.getRawMany(), main.alias);
  };
  return qb;
}

/**
 * `qb.getMany()` with scalar `values` selected beside each entity (alias → SQL expression), read
 * from the same rows; undefined when the raw path does not apply (then nothing is added to `qb`).
 */
export async function getManyWithValues<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  values: Record<string, string>,
): Promise<{ entities: T[]; raw: Array<Record<string, unknown>> } | undefined> {
  const main = onePlainEntity(qb);
  return main && readPlain(qb, main, values);
}

/** The rows of `main` (what onePlainEntity found before any column, join or value was added) and their raw rows. */
export async function readPlain<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  main: { metadata: EntityMetadata; alias: string },
  values: Record<string, string> = {},
): Promise<{ entities: T[]; raw: Array<Record<string, unknown>> }> {
  for (const [alias, sql] of Object.entries(values)) qb.addSelect(sql, alias);
  const raw: Array<Record<string, unknown>> = await qb.getRawMany();
  return { entities: hydrate<T>(qb.connection.manager, main.metadata, raw, main.alias), raw };
}
