import { EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { badInput, isUuid } from './errors';
import { hydrateJoined, isPlainEntity, onePlainEntity, readPlain } from './raw-hydration';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  /**
   * Count in the page's own statement (a scalar subquery, so one snapshot and one round trip):
   * set by `pageArgs` when the query selects `totalCount`.
   */
  countWithPage?: boolean;
  /**
   * The entity properties the page's rows need (set by `pageArgs` from the node's selection);
   * `id` and `createdAt` are always read. Unset: the whole row.
   */
  columns?: readonly string[];
}

/**
 * A row of another tenant-owned entity read in the page's own statement: LEFT JOINed to each page
 * row on its key (so at most one match) and the tenant, instead of a loader's statement after the
 * page. Where the raw path does not apply, `found` is not called and the loader reads as before.
 */
export interface PageLookup<T, L extends ObjectLiteral = ObjectLiteral> {
  entity: EntityTarget<L>;
  alias: string;
  /** The join on the looked-up entity's key, e.g. `co.id = c.company_id`; its tenant is added. */
  on: string;
  /** Each page row with the row it joined (null when none), e.g. to prime a DataLoader. */
  found: (row: T, joined: L | null) => void;
}
export interface Connection<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counted only when a client selects it (its resolver calls the function); a value when read with the page. */
  totalCount: () => number | Promise<number>;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface CursorKey {
  at: string;
  id: string;
}
export const encodeCursor = (k: CursorKey) => Buffer.from(JSON.stringify([k.at, k.id])).toString('base64url');
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export function decodeCursor(cursor: string): CursorKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const [at, id] = Array.isArray(key) && key.length === 2 ? key : [];
    // Exactly what encodeCursor writes: a millisecond UTC time that round-trips and a uuid, so a
    // forged cursor never reaches SQL as an out-of-range date or a non-uuid id.
    if (
      typeof at === 'string' &&
      typeof id === 'string' &&
      ISO_MS.test(at) &&
      isUuid(id) &&
      !Number.isNaN(Date.parse(at)) &&
      new Date(at).toISOString() === at
    ) {
      return { at, id: id.toLowerCase() };
    }
  } catch {
    /* fall through */
  }
  throw badInput('after', 'after is not a valid cursor');
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/**
 * Keyset pagination, newest first, on (created_at, id). `created_at` columns are timestamptz(3)
 * so the millisecond cursor a client holds matches the stored value exactly.
 */
export async function paginate<T extends ObjectLiteral & { id: string; createdAt: Date }>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  args: PageArgs,
  lookups: ReadonlyArray<PageLookup<T, any>> = [],
): Promise<Connection<T>> {
  const size = pageSize(args.first);
  const counter = qb.clone();
  let count: Promise<number> | undefined;
  const totalCount = () => (count ??= counter.getCount());
  if (args.after) {
    const k = decodeCursor(args.after);
    qb.andWhere(`(${alias}.created_at, ${alias}.id) < (:__at, :__id)`, { __at: k.at, __id: k.id });
  }
  qb.orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(size + 1);
  let rows: T[];
  const entity = args.countWithPage || lookups.length || args.columns ? onePlainEntity(qb) : undefined;
  if (entity) {
    if (args.columns) selectColumns(qb, entity.metadata, alias, args.columns);
    // The count of the same conditions without the cursor, evaluated once (an InitPlan). An
    // empty page carries no count: then 0 on the first page, else the count's own statement.
    const values: Record<string, string> = args.countWithPage
      ? { __total: `(${counter.clone().select('count(*)').orderBy().getQuery()})` }
      : {};
    const joined = lookups.map((l) => joinLookup(qb, l));
    const { entities, raw } = await readPlain(qb, entity, values);
    lookups.forEach((l, i) => {
      const found = hydrateJoined(qb.connection.manager, joined[i], raw, l.alias);
      entities.forEach((row, k) => l.found(row, found[k]));
    });
    rows = entities;
    if (args.countWithPage && raw.length) count = Promise.resolve(Number(raw[0].__total));
    else if (args.countWithPage && !args.after) count = Promise.resolve(0);
  } else {
    rows = await qb.getMany();
  }
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor({ at: node.createdAt.toISOString(), id: node.id }) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

/** Only `columns` of the page's entity (with the key and the cursor's time): the rest stay unset. */
function selectColumns<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  metadata: EntityMetadata,
  alias: string,
  columns: readonly string[],
) {
  const properties = new Set(['id', 'createdAt', ...columns]);
  for (const p of properties) {
    if (!metadata.findColumnWithPropertyPath(p)) throw new Error(`${metadata.name} has no column ${p}`);
  }
  qb.select([...properties].map((p) => `${alias}.${p}`));
}

/** Joins and selects a lookup's entity; returns its metadata. */
function joinLookup<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, l: PageLookup<T>): EntityMetadata {
  const metadata = qb.connection.getMetadata(l.entity);
  if (!isPlainEntity(metadata)) throw new Error(`a page lookup reads plain entities only, not ${metadata.name}`);
  // With a join TypeORM leaves `take` out of the SQL (it expects getMany's two queries): a LIMIT here.
  const take = qb.expressionMap.take;
  qb.leftJoin(metadata.target, l.alias, `${l.on} AND ${l.alias}.tenant_id = :__tenant`).addSelect(l.alias).take(undefined).limit(take);
  return metadata;
}

/**
 * The resolvers of every `…Connection` type: `totalCount` is counted only when a query asks for
 * it (a function on the connection), and the subgraph executor calls no function a field has
 * not been given a resolver for.
 */
export const connectionFields = {
  totalCount: (connection: unknown) => {
    const total = (connection as { totalCount: unknown }).totalCount;
    return (typeof total === 'function' ? total.call(connection) : total) as number | Promise<number>;
  },
};
