import { GraphQLError, GraphQLFormattedError } from 'graphql';

/** The error codes of the API (docs/api.md): every service speaks them, none invents its own. */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'CONFLICT' | 'RATE_LIMITED';

/**
 * The one exception type of every use case and rule: a code, a message for people, and the
 * extensions a client acts on (`field` for bad input, `reason`/`from`/`to` for conflicts).
 * It knows nothing of GraphQL; `toGraphQLError` (called by the servers' formatError) is the
 * single place where it becomes an API error.
 */
export class DomainError extends Error {
  /** What the client sees in `extensions`: the code first, then the details. */
  readonly extensions: Readonly<Record<string, unknown>> & { code: ErrorCode };
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.extensions = { code, ...details };
  }
}

export const domainError = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}) => new DomainError(code, message, extra);
export const badInput = (field: string, message: string) => new DomainError('BAD_USER_INPUT', message, { field });
export const notFound = (what: string, id: string, field?: string) =>
  new DomainError('NOT_FOUND', `${what} ${id} not found`, field ? { id, field } : { id });
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new DomainError('CONFLICT', message, extra);
export const forbidden = (message: string, extra: Record<string, unknown> = {}) => new DomainError('FORBIDDEN', message, extra);

/** The GraphQL shape of a DomainError (path and locations from graphql-js's wrapper). */
export function toGraphQLError(err: DomainError, formatted?: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: err.message,
    ...(formatted?.locations ? { locations: formatted.locations } : {}),
    ...(formatted?.path ? { path: formatted.path } : {}),
    extensions: { ...err.extensions },
  };
}

/** A DomainError thrown by a resolver reaches formatError wrapped by graphql-js: find it. */
export function findDomainError(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof DomainError) return current;
    current = (current as GraphQLError).originalError;
  }
  return undefined;
}

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
  if (typeof value !== 'string' || !isUuid(value)) throw badInput(field, `${field} must be a UUID`);
  return value.toLowerCase();
}
