import pino from 'pino';
import { buildSchema, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, valueFromASTUntyped } from 'graphql';
import { badInput, connectionFields, Logger, maskUnexpectedErrors } from '@crm/service-kit';
import { subgraphExecutor } from '../src/subgraph-executor';
import type { EndpointRequest } from '../src/graphql-endpoint';
import type { OperationOutcome } from '../src/metrics';

// The subgraph executor answers as Apollo Server did for a subgraph (status, codes, formatError),
// runs documents compiled by graphql-jit, and refuses to silently read a lazy field.

const anyScalar = {
  parseValue: (v: unknown) => v,
  parseLiteral: (ast: never, variables?: Record<string, unknown> | null) => valueFromASTUntyped(ast, variables),
};

type Fields = Record<string, (...args: never[]) => unknown>;
/** The SDL with resolvers attached (what buildSubgraphSchema does, without federation). */
function withResolvers(sdl: string, resolvers: Record<string, Fields>): GraphQLSchema {
  const schema = buildSchema(sdl);
  Object.assign(schema.getType('Any') as GraphQLScalarType, anyScalar);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const [name, resolve] of Object.entries(fields)) type.getFields()[name].resolve = resolve as never;
  }
  return schema;
}

let counted = 0;
const typeDefs = `
  scalar Any
  type Query {
    contacts(first: Int!): ContactConnection!
    contact(id: ID!): Contact
    echo(value: Any!): String!
    lazy: Lazy!
    boom: String
  }
  type ContactConnection { totalCount: Int! edges: [Contact!]! }
  type Contact { id: ID! name: String! company: String }
  type Lazy { value: Int! }
`;

function executor(production = false) {
  const schema = withResolvers(typeDefs, {
    Query: {
      contacts: (_: unknown, args: { first: number }) => ({
        edges: Array.from({ length: args.first }, (_x, i) => ({ id: `c${i}`, name: `Contact ${i}`, company: i % 2 ? 'Acme' : null })),
        totalCount: () => (counted++, Promise.resolve(42)),
      }),
      contact: (_: unknown, args: { id: string }) => {
        if (args.id === 'bad') throw badInput('id', 'id must be a UUID');
        return args.id === 'none' ? null : { id: args.id, name: 'One' };
      },
      echo: (_: unknown, args: { value: unknown }) => JSON.stringify(args.value),
      lazy: () => ({ value: () => 1 }),
      boom: () => {
        throw new Error('secret detail');
      },
    },
    ContactConnection: connectionFields,
  });
  const records: Array<{ name?: string | null; outcome: OperationOutcome }> = [];
  const logged: string[] = [];
  const endpoint = subgraphExecutor<object>({
    schema,
    introspection: !production,
    maxTokens: 200,
    formatError: maskUnexpectedErrors(pino({ level: 'error' }, { write: (line: string) => void logged.push(line) }) as Logger),
    checkPlainFields: !production,
  });
  void endpoint.start({ record: (name, outcome) => void records.push({ name, outcome }) });
  const post = async (body: unknown, patch: Partial<EndpointRequest> = {}) => {
    const res = await endpoint.handle({ method: 'POST', headers: { 'content-type': 'application/json' }, search: '', body, ...patch }, {});
    return { status: res.status, json: JSON.parse(res.body as string) };
  };
  return { post, records, logged };
}

test('a query runs compiled, the same answer on every call; totalCount is counted only when asked', async () => {
  const { post, records } = executor();
  const query = 'query Page($n: Int!) { contacts(first: $n) { edges { id name company } } }';
  const first = await post({ query, variables: { n: 2 }, operationName: 'Page' });
  expect(first).toEqual({
    status: 200,
    json: {
      data: {
        contacts: {
          edges: [
            { id: 'c0', name: 'Contact 0', company: null },
            { id: 'c1', name: 'Contact 1', company: 'Acme' },
          ],
        },
      },
    },
  });
  expect((await post({ query, variables: { n: 1 } })).json.data.contacts.edges).toEqual([{ id: 'c0', name: 'Contact 0', company: null }]);
  expect(counted).toBe(0);
  const withTotal = await post({ query: '{ contacts(first: 1) { totalCount } }' });
  expect(withTotal.json).toEqual({ data: { contacts: { totalCount: 42 } } });
  expect(counted).toBe(1);
  expect(records.map((r) => r.outcome)).toEqual(['success', 'success', 'success']);
  expect(records[0].name).toBe('Page');
});

test('parse, validation, operation and variable errors are 400s with their codes, the field named', async () => {
  const { post, records } = executor();
  const parse = await post({ query: '{ contacts(first: ' });
  expect(parse.status).toBe(400);
  expect(parse.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  const tooLong = await post({ query: `{ ${'contact(id: "x") { id } '.repeat(40)} }` });
  expect(tooLong.status).toBe(400);
  expect(tooLong.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  const invalid = await post({ query: '{ nope }' });
  expect(invalid.status).toBe(400);
  expect(invalid.json.errors[0]).toMatchObject({
    message: 'Cannot query field "nope" on type "Query".',
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  });
  const op = await post({ query: 'query A { boom } query B { boom }', operationName: 'C' });
  expect(op.status).toBe(400);
  expect(op.json.errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
  const variable = await post({ query: 'query Page($n: Int!) { contacts(first: $n) { totalCount } }', variables: { n: 'ten' } });
  expect(variable.status).toBe(400);
  expect(variable.json.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'n' });
  expect(records.map((r) => r.outcome)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
});

test('production: no introspection; GET, form posts and batches are refused', async () => {
  const { post } = executor(true);
  const intro = await post({ query: '{ __schema { types { name } } }' });
  expect(intro.status).toBe(400);
  expect(intro.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  const get = await post('', { method: 'GET', search: '?query=%7B__typename%7D', headers: {} });
  expect(get.status).toBe(400);
  expect(get.json.errors[0].message).toMatch(/CSRF/);
  const form = await post('query={__typename}', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(form.status).toBe(400);
  const batch = await post([{ query: '{ __typename }' }]);
  expect(batch).toMatchObject({ status: 400, json: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
  expect((await post({ variables: {} })).status).toBe(400);
});

test('resolver errors: a domain error keeps its code and path, anything else is masked', async () => {
  const { post, records } = executor();
  const bad = await post({ query: '{ contact(id: "bad") { id } }' });
  expect(bad).toEqual({
    status: 200,
    json: {
      errors: [
        {
          message: 'id must be a UUID',
          locations: [{ line: 1, column: 3 }],
          path: ['contact'],
          extensions: { code: 'BAD_USER_INPUT', field: 'id' },
        },
      ],
      data: { contact: null },
    },
  });
  const boom = await post({ query: '{ boom }' });
  expect(boom.json).toEqual({
    errors: [{ message: 'Internal server error', path: ['boom'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    data: { boom: null },
  });
  expect(records.map((r) => r.outcome)).toEqual(['error', 'error']);
});

test('a function on a field without a resolver is an error naming the field (outside production)', async () => {
  const { post, logged } = executor();
  const res = await post({ query: '{ lazy { value } }' });
  expect(res.json.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
  expect(res.json.data).toBeNull();
  expect(logged.join('')).toContain('Lazy.value is a function on its parent: give it a resolver');
});

test('a variable inside a literal reaches a custom scalar (run by graphql-js)', async () => {
  const { post } = executor();
  const res = await post({ query: 'query($id: ID!) { echo(value: [{ __typename: "Contact", id: $id }]) }', variables: { id: 'c7' } });
  expect(res.json).toEqual({ data: { echo: '[{"__typename":"Contact","id":"c7"}]' } });
});
