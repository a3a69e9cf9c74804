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

/** One entity from `row`, each column's value found under `nameOf(column)`. */
export function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  metadata: EntityMetadata,
  columns: ColumnMetadata[],
  row: Record<string, unknown>,
  nameOf: (column: ColumnMetadata) => string,
): T {
  const driver = manager.connection.driver;
  const entity = metadata.create(manager.queryRunner, { fromDeserializer: true }) as T;
  for (const c of columns) {
    const value = row[nameOf(c)];
    if (value !== undefined) c.setEntityValue(entity, driver.prepareHydratedValue(value, c));
  }
  return entity;
}

/**
 * `qb.getMany()` through `getRawMany()` and `hydrate` when the query selects one plain entity and
 * joins nothing (every tenant-scoped list read); anything else keeps TypeORM's own getMany.
 */
export function withRawGetMany<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, manager: EntityManager): SelectQueryBuilder<T> {
  const original = qb.getMany.bind(qb);
  qb.getMany = async () => {
    const map = qb.expressionMap;
    const main = map.mainAlias;
    const simple =
      main?.hasMetadata &&
      isPlainEntity(main.metadata) &&
      map.selects.length === 1 &&
      map.selects[0].selection === main.name &&
      !map.joinAttributes.length &&
      !map.relationIdAttributes.length &&
      !map.relationCountAttributes.length &&
      map.lockMode !== 'optimistic';
    if (!simple) return original();
    const metadata = main.metadata;
    const columns = selectedColumns(metadata);
    const driver = manager.connection.driver;
    const names = new Map(columns.map((c) => [c, DriverUtils.buildAlias(driver, undefined, main.name, c.databaseName)]));
    const rows: Array<Record<string, unknown>> = await qb.getRawMany();
    return rows.map((row) => hydrate<T>(manager, metadata, columns, row, (c) => names.get(c)!));
  };
  return qb;
}
