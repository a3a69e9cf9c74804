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
export const unauthenticated = (message: string) => graphQLError('UNAUTHENTICATED', message);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID.test(v);

/** IDs are UUIDs; a malformed one is bad input naming its field, not a database error. */
export function requireUuid(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(field, `${field} must be a UUID`);
  return value.toLowerCase();
}
