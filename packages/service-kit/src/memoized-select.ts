import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { QueryExpressionMap } from 'typeorm/query-builder/QueryExpressionMap';

// TypeORM writes a select's SQL anew on every call: ~30 µs for a page of contacts, most of it
// escaping every column and rewriting property paths over the whole text. The same code asks the
// same shape of query on every request, so a plain select's text (one entity, joined entities on
// string conditions, no relation joins, CTEs, grouping or locks) is kept by its shape: entities,
// aliases, joins, selects, conditions, order and limits. Parameters stay out of the text
// (TypeORM numbers them after getQuery).

/** Shapes kept per process; past this, texts are written as before. */
const MAX_SHAPES = 2_000;
const texts = new Map<string, string>();
const entityIds = new WeakMap<object, number>();
let nextEntityId = 0;
/** Set for the test runs (jest/global-setup.mjs): every remembered text is checked against TypeORM's own. */
const CHECK = process.env.CRM_CHECK_SQL_MEMO === '1';

const tag = (value: string) => `${value.length}:${value}`;

/**
 * Everything TypeORM's getQuery reads from a plain select, as one key; undefined when the query
 * is not plain (joins, subqueries, CTEs, grouping, locks, inheritance, non-string conditions).
 */
export function selectShape(map: QueryExpressionMap): string | undefined {
  const main = map.mainAlias;
  if (
    map.queryType !== 'select' ||
    !main?.hasMetadata ||
    main.subQuery ||
    map.subQuery ||
    map.aliases.length !== 1 + map.joinAttributes.length ||
    main.metadata.discriminatorColumn ||
    map.relationIdAttributes.length ||
    map.relationCountAttributes.length ||
    map.commonTableExpressions.length ||
    map.groupBys.length ||
    map.havings.length ||
    map.selectDistinctOn.length ||
    map.lockMode !== undefined ||
    map.lockTables !== undefined ||
    map.onLocked !== undefined ||
    map.timeTravel ||
    map.useIndex !== undefined ||
    map.maxExecutionTime ||
    map.extraAppendedAndWhereCondition
  ) {
    return undefined;
  }
  let key = [
    entityId(main.metadata),
    tag(main.name),
    map.selectDistinct,
    map.withDeleted,
    map.limit,
    map.offset,
    map.skip,
    map.take,
    tag(map.comment ?? ''),
    tag(map.options.join(',')),
    map.aliasNamePrefixingEnabled,
    map.disableEscaping,
  ].join('|');
  for (const j of map.joinAttributes) {
    // An entity joined on a condition: relation joins ("c.company") and subqueries are not plain.
    const alias = j.alias;
    if (typeof j.entityOrProperty !== 'function' || !alias.hasMetadata || alias.subQuery || alias.metadata.discriminatorColumn)
      return undefined;
    if (j.condition !== undefined && typeof j.condition !== 'string') return undefined;
    key += `|j${j.direction}${entityId(alias.metadata)}${tag(alias.name)}${tag(j.condition ?? '')}`;
  }
  for (const s of map.selects) key += `|s${tag(s.selection)}${tag(s.aliasName ?? '')}${s.virtual ?? ''}`;
  for (const w of map.wheres) {
    if (typeof w.condition !== 'string') return undefined;
    key += `|w${w.type}${tag(w.condition)}`;
  }
  for (const [path, order] of Object.entries(map.orderBys)) {
    key += `|o${tag(path)}${typeof order === 'string' ? order : `${order.order}${order.nulls ?? ''}`}`;
  }
  return key;
}

function entityId(metadata: object): number {
  let id = entityIds.get(metadata);
  if (id === undefined) entityIds.set(metadata, (id = nextEntityId++));
  return id;
}

/** How many shapes this process remembers (tests). */
export const rememberedShapes = () => texts.size;

/** A select builder that writes each plain shape's SQL once; clones and count queries are one too. */
export class MemoizedSelectQueryBuilder<T extends ObjectLiteral> extends SelectQueryBuilder<T> {
  override getQuery(): string {
    const shape = selectShape(this.expressionMap);
    if (shape === undefined) return super.getQuery();
    const known = texts.get(shape);
    if (known !== undefined) {
      if (CHECK && known !== super.getQuery()) throw new Error(`remembered SQL differs for the shape ${shape}`);
      return known;
    }
    const text = super.getQuery();
    if (texts.size < MAX_SHAPES) texts.set(shape, text);
    return text;
  }
}
