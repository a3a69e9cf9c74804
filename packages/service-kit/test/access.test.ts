import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import {
  ACCESS_MATRIX,
  API_KEY_SCOPES,
  checkAccess,
  GATEWAY_IDENTITY,
  enforceAccess,
  keyHolds,
  readAccessDeclarations,
  rolesFor,
} from '../src/access';
import { DomainError } from '../src/errors';
import type { Identity, Role } from '../src/identity';

const user = (...roles: Role[]): Identity => ({ tenantId: 't', userId: 'u', roles });
const key = (...scopes: string[]): Identity => ({ tenantId: 't', userId: 'key-1', roles: [], scopes });
const denial = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).extensions;
  }
  return undefined;
};

describe('the role matrix (docs/security.md)', () => {
  const allowed = (role: Role) =>
    Object.keys(ACCESS_MATRIX)
      .filter((s) => rolesFor(s as never).includes(role))
      .sort();
  test.each<[Role, string[]]>([
    [
      'admin',
      Object.keys(ACCESS_MATRIX)
        .filter((s) => s !== 'internal')
        .sort(),
    ],
    ['sales', ['analytics:read', 'campaigns:read', 'contacts:read', 'contacts:write', 'deals:read', 'deals:write', 'tickets:read']],
    ['marketing', ['analytics:read', 'campaigns:read', 'campaigns:write', 'contacts:read', 'contacts:write', 'deals:read']],
    ['support', ['analytics:read', 'contacts:read', 'deals:read', 'tickets:read', 'tickets:write']],
    ['analyst', ['analytics:read', 'campaigns:read', 'contacts:read', 'deals:read', 'tickets:read']],
  ])('%s may act under exactly %j', (role, scopes) => {
    expect(allowed(role)).toEqual(scopes);
  });

  test('keys carry any scope but admin; a write scope also reads', () => {
    expect(API_KEY_SCOPES).not.toContain('admin');
    expect(API_KEY_SCOPES).not.toContain('internal');
    expect(API_KEY_SCOPES).toHaveLength(9);
    expect(keyHolds(['deals:write'], 'deals:read')).toBe(true);
    expect(keyHolds(['deals:read'], 'deals:write')).toBe(false);
    expect(keyHolds(['contacts:write'], 'deals:read')).toBe(false);
  });

  test('FORBIDDEN names the operation and the missing role or scope', () => {
    expect(denial(() => checkAccess(user('marketing'), 'tickets:read', 'tickets'))).toEqual({
      code: 'FORBIDDEN',
      operation: 'tickets',
      requiredRoles: ['admin', 'sales', 'support', 'analyst'],
      requiredScope: 'tickets:read',
    });
    expect(denial(() => checkAccess(key('tickets:read'), 'tickets:write', 'openTicket'))).toEqual({
      code: 'FORBIDDEN',
      operation: 'openTicket',
      requiredScope: 'tickets:write',
    });
    expect(denial(() => checkAccess(key(...API_KEY_SCOPES), 'admin', 'updateSlaPolicy'))).toMatchObject({ requiredScope: 'admin' });
    expect(denial(() => checkAccess(user('admin'), 'admin', 'updateSlaPolicy'))).toBeUndefined();
    expect(denial(() => checkAccess(user('analyst'), 'deals:read', 'deals'))).toBeUndefined();
    expect(denial(() => checkAccess(user('admin'), 'internal', 'apiKeyGrant'))).toMatchObject({ requiredScope: 'internal' });
    expect(denial(() => checkAccess(GATEWAY_IDENTITY, 'internal', 'apiKeyGrant'))).toBeUndefined();
  });
});

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  directive @access(scope: String!) on FIELD_DEFINITION | OBJECT
  type Query {
    things: [Thing!]! @access(scope: "deals:read")
    settings: String! @access(scope: "admin")
  }
  type Mutation { makeThing: Thing! @access(scope: "deals:write") }
  type Thing @key(fields: "id") @access(scope: "deals:read") { id: ID! name: String! }
`;

describe('enforcing @access on a subgraph schema', () => {
  const typeDefs = parse(SDL);
  const thing = { id: '1', name: 'one' };
  const schema = enforceAccess(
    buildSubgraphSchema({
      typeDefs,
      resolvers: { Query: { things: () => [thing], settings: () => 's' }, Mutation: { makeThing: () => thing } } as never,
    }),
    readAccessDeclarations(typeDefs),
  );
  const run = async (query: string, identity: Identity | undefined, variableValues?: Record<string, unknown>) =>
    JSON.parse(JSON.stringify(await execute({ schema, document: parse(query), contextValue: { identity }, variableValues })));

  test('root fields follow their declaration', async () => {
    expect((await run('{ things { name } }', user('support'))).data).toEqual({ things: [{ name: 'one' }] });
    expect((await run('mutation { makeThing { id } }', user('support'))).errors[0].message).toBe(
      'makeThing requires one of the roles: admin, sales',
    );
    expect((await run('{ settings }', user('sales'))).errors[0].message).toMatch(/^settings requires/);
    expect((await run('{ settings }', user('admin'))).data).toEqual({ settings: 's' });
    expect((await run('{ things { id } }', undefined)).errors[0].message).toBe('things requires an identity');
  });

  test('_entities obeys the type declaration, even without a __resolveReference', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id } } }';
    const r = [{ __typename: 'Thing', id: '7' }];
    expect((await run(query, key('deals:read'), { r })).data).toEqual({ _entities: [{ id: '7' }] });
    const refused = await run(query, key('contacts:read'), { r });
    expect(refused.errors[0].message).toBe('_entities(Thing) requires the deals:read scope');
    expect(refused.data._entities).toEqual([null]);
  });

  test('a root field or entity without a declaration keeps the subgraph from starting', () => {
    const bare = parse(
      SDL.replace(' @access(scope: "admin")', '').replace('@key(fields: "id") @access(scope: "deals:read")', '@key(fields: "id")'),
    );
    expect(readAccessDeclarations(bare).missing).toEqual(['Query.settings', 'Thing']);
    expect(() => enforceAccess(buildSubgraphSchema({ typeDefs: bare }), readAccessDeclarations(bare))).toThrow('Query.settings, Thing');
    expect(() => readAccessDeclarations(parse(SDL.replace('"admin"', '"settings:write"')))).toThrow('unknown scope "settings:write"');
  });
});
