import { GraphQLError } from 'graphql';

// One place that builds the error codes of DESIGN §6, so every service speaks the same way.
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'CONFLICT';

export function graphQLError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}
export const badInput = (field: string, message: string) => graphQLError('BAD_USER_INPUT', message, { field });
export const notFound = (what: string, id: string) => graphQLError('NOT_FOUND', `${what} ${id} not found`, { id });
export const conflict = (message: string, extra: Record<string, unknown> = {}) => graphQLError('CONFLICT', message, extra);
export const forbidden = (message: string) => graphQLError('FORBIDDEN', message);

/** The SQLSTATE of a database error, whether TypeORM wrapped it or not. */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Deadlock or serialization failure: Postgres rolled the whole transaction back, so rerunning it is safe. */
export const isTransientConflict = (err: unknown) => sqlState(err) === '40P01' || sqlState(err) === '40001';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID.test(v);

/** IDs are UUIDs; a malformed one is bad input naming its field, not a database error. */
export function requireUuid(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(field, `${field} must be a UUID`);
  return value.toLowerCase();
}
