import { GraphQLScalarType, Kind } from 'graphql';
import { GraphQLError } from 'graphql';

const invalid = (v: unknown) =>
  new GraphQLError(`DateTime must be an ISO-8601 date-time, got ${JSON.stringify(v)}`, { extensions: { code: 'BAD_USER_INPUT' } });

function parse(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) throw invalid(value);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(value);
  return d;
}

/** ISO-8601 times in the API (docs/architecture.md); every subgraph declares `scalar DateTime`. */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v : new Date(v as string)).toISOString(),
  parseValue: parse,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('non-string literal');
    return parse(ast.value);
  },
});

function literalToValue(ast: import('graphql').ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(literalToValue);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToValue(f.value)]));
    default:
      throw new GraphQLError('JSON literals cannot contain variables', { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

/** Rules-as-data (scoring rules, assignment rules): validated by the domain, not by the schema. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literalToValue,
});
