import type { GraphQLResolveInfo } from 'graphql';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput, isUuid } from './errors';
import { hydrate, onePlainEntity } from './raw-hydration';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  /**
   * Count in the page's own statement (a scalar subquery, so one snapshot and one round trip):
   * set by `pageArgs` when the query selects `totalCount`.
   */
  countWithPage?: boolean;
}

/** What pageArgs reads of a resolver's info. */
export type ConnectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes'>;

/**
 * A connection field's page arguments, with `countWithPage` when its selection names `totalCount`
 * plainly (no directive; a fragment is not looked into, and its count stays a statement of its own).
 */
export function pageArgs<A extends PageArgs>(args: A, info: ConnectionInfo | undefined): A {
  const countWithPage = !!info?.fieldNodes.some((node) =>
    node.selectionSet?.selections.some((s) => s.kind === 'Field' && s.name.value === 'totalCount' && !s.directives?.length),
  );
  return countWithPage ? { ...args, countWithPage } : args;
}
export interface Connection<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counted only when a client selects it (GraphQL's default resolver calls the function). */
  totalCount: () => Promise<number>;
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
  const entity = args.countWithPage ? onePlainEntity(qb) : undefined;
  if (entity) {
    // The count of the same conditions without the cursor, evaluated once (an InitPlan). An empty
    // page carries no count: then 0 on the first page, else the count's own statement.
    const countSql = counter.clone().select('count(*)').orderBy().getQuery();
    const raw: Array<Record<string, unknown>> = await qb.addSelect(`(${countSql})`, '__total').getRawMany();
    rows = hydrate<T>(qb.connection.manager, entity.metadata, raw, entity.alias);
    if (raw.length) count = Promise.resolve(Number(raw[0].__total));
    else if (!args.after) count = Promise.resolve(0);
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
