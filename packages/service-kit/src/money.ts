import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { ValueTransformer } from 'typeorm';

/** bigint minor units: pg returns them as strings; every amount we accept is below 2^53. */
export const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? null : Number(value)),
};

/** The column options of a money amount (integer minor units, docs/architecture.md), so no entity writes its own. */
export const moneyColumn = (extra: { name?: string; nullable?: boolean; default?: number } = {}) =>
  ({ type: 'bigint', transformer: minorUnits, ...extra }) as const;

const invalid = (v: unknown) =>
  new GraphQLError(`SafeInt must be an integer within ±(2^53 - 1), got ${JSON.stringify(v)}`, { extensions: { code: 'BAD_USER_INPUT' } });

function toSafeInt(value: unknown): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid(value);
  return n;
}

/**
 * Money and sums of minor units outgrow GraphQL's 32-bit Int (21,474,836.47 USD); SafeInt is
 * exact up to 2^53 - 1 and travels as a plain JSON number.
 */
export const SafeInt = new GraphQLScalarType({
  name: 'SafeInt',
  serialize: toSafeInt,
  parseValue: toSafeInt,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT) throw invalid('a non-integer literal');
    return toSafeInt(Number(ast.value));
  },
});
