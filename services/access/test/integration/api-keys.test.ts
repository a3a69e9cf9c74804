import { GATEWAY_IDENTITY } from '@crm/service-kit';
import { eventually, startTestService, TestService } from '@crm/testing';
import { createService, USAGE_FLUSH_MS } from '../../src/service';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('access_keys', createService);
});
afterAll(() => svc.stop());

const admin = (tenantId: string) => ({ tenantId, userId: 'boss', roles: ['admin' as const] });
const FIELDS = 'id name prefix scopes rateLimitPerMinute createdAt lastUsedAt revokedAt';
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { ${FIELDS} } } }`;
const ROTATE = `mutation($id: ID!) { rotateApiKey(input: { id: $id }) { secret apiKey { ${FIELDS} } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { ${FIELDS} } }`;
const GRANT = 'query($s: String!) { apiKeyGrant(secret: $s) { keyId tenantId scopes rateLimitPerMinute } }';
const grant = async (secret: string) => (await svc.call(GRANT, { s: secret }, GATEWAY_IDENTITY)).data!.apiKeyGrant;

async function create(tenantId: string, input: Record<string, unknown> = {}) {
  const res = await svc.call(CREATE, { input: { name: 'Zapier', scopes: ['contacts:read', 'deals:write'], ...input } }, admin(tenantId));
  expect(res.errors).toBeUndefined();
  return res.data!.createApiKey as { secret: string; apiKey: Record<string, any> };
}

describe('API keys', () => {
  test('created once with a 256-bit secret and a visible prefix; stored only as a hash', async () => {
    const { secret, apiKey } = await create('keys-a', { rateLimitPerMinute: 60 });
    expect(secret).toMatch(new RegExp(`^crm_${apiKey.prefix}_[A-Za-z0-9_-]{43}$`));
    expect(apiKey).toMatchObject({
      name: 'Zapier',
      scopes: ['contacts:read', 'deals:write'],
      rateLimitPerMinute: 60,
      lastUsedAt: null,
      revokedAt: null,
    });
    const [row] = await svc.service.db.query('SELECT * FROM api_keys WHERE id = $1', [apiKey.id]);
    expect(JSON.stringify(row)).not.toContain(secret.slice(`crm_${apiKey.prefix}_`.length));
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await grant(secret)).toEqual({
      keyId: apiKey.id,
      tenantId: 'keys-a',
      scopes: ['contacts:read', 'deals:write'],
      rateLimitPerMinute: 60,
    });
    const listed = await svc.call(`{ apiKeys { ${FIELDS} } }`, {}, admin('keys-a'));
    expect(listed.data!.apiKeys).toEqual([apiKey]);
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  test('a wrong, malformed or other-tenant-listed key grants nothing', async () => {
    const { secret, apiKey } = await create('keys-b');
    expect(await grant(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(await grant('not a key')).toBeNull();
    expect((await svc.call('{ apiKeys { id } }', {}, admin('keys-other'))).data!.apiKeys).toEqual([]);
    const foreign = await svc.call(REVOKE, { id: apiKey.id }, admin('keys-other'));
    expect(foreign.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  test('rotation replaces the secret; revocation ends it; twice is CONFLICT', async () => {
    const first = await create('keys-c');
    const rotated = (await svc.call(ROTATE, { id: first.apiKey.id }, admin('keys-c'))).data!.rotateApiKey;
    expect(rotated.apiKey.id).toBe(first.apiKey.id);
    expect(rotated.apiKey.prefix).not.toBe(first.apiKey.prefix);
    expect(await grant(first.secret)).toBeNull();
    expect((await grant(rotated.secret)).keyId).toBe(first.apiKey.id);
    const revoked = (await svc.call(REVOKE, { id: first.apiKey.id }, admin('keys-c'))).data!.revokeApiKey;
    expect(revoked.revokedAt).not.toBeNull();
    expect(await grant(rotated.secret)).toBeNull();
    const again = await svc.call(REVOKE, { id: first.apiKey.id }, admin('keys-c'));
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT' });
  });

  test('only admins manage keys; only the gateway looks them up', async () => {
    const { secret } = await create('keys-d');
    for (const roles of [['sales'], ['analyst']] as const) {
      const res = await svc.call(CREATE, { input: { name: 'x', scopes: ['deals:read'] } }, { tenantId: 'keys-d', roles: [...roles] });
      expect(res.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', operation: 'createApiKey', requiredRoles: ['admin'] });
    }
    const byKey = await svc.call('{ apiKeys { id } }', {}, { tenantId: 'keys-d', roles: [], scopes: ['contacts:read', 'contacts:write'] });
    expect(byKey.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'admin' });
    const byAdmin = await svc.call(GRANT, { s: secret }, admin('keys-d'));
    expect(byAdmin.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', operation: 'apiKeyGrant', requiredScope: 'internal' });
    const bad = await svc.call(CREATE, { input: { name: 'x', scopes: ['admin'] } }, admin('keys-d'));
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes' });
  });

  test('lastUsedAt follows look-ups within a few seconds, without a write per request', async () => {
    const { secret, apiKey } = await create('keys-e');
    const before = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => grant(secret)));
    const used = await eventually(
      async () =>
        ((await svc.call('{ apiKeys { id lastUsedAt } }', {}, admin('keys-e'))).data!.apiKeys[0].lastUsedAt as string | null) || undefined,
      USAGE_FLUSH_MS * 5,
    );
    expect(new Date(used!).getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(apiKey.lastUsedAt).toBeNull();
  });
});

describe('audit log', () => {
  const LOG = `query($f: AuditLogFilter, $first: Int, $after: String) {
    auditLog(filter: $f, first: $first, after: $after) { totalCount edges { cursor node { actor operation targetIds outcome errorCode at } } pageInfo { hasNextPage endCursor } } }`;
  const log = async (tenantId: string, f: Record<string, unknown> = {}, first?: number, after?: string) =>
    (await svc.call(LOG, { f, first, after }, admin(tenantId))).data!.auditLog;

  test('every mutation is recorded with actor, operation, targets and outcome; failures with their code', async () => {
    // The log is ordered by each entry's time (milliseconds): let the clock tick between calls, so
    // the expected order is the order of the calls, never a tie broken by a random id.
    const nextMillisecond = async () => {
      const now = Date.now();
      while (Date.now() === now) await new Promise((r) => setImmediate(r));
    };
    const { apiKey } = await create('audit-a');
    await nextMillisecond();
    await svc.call(REVOKE, { id: apiKey.id }, admin('audit-a'));
    await nextMillisecond();
    await svc.call(REVOKE, { id: apiKey.id }, admin('audit-a')); // CONFLICT
    await nextMillisecond();
    await svc.call(CREATE, { input: { name: 'x', scopes: ['deals:read'] } }, { tenantId: 'audit-a', userId: 'rep', roles: ['sales'] });
    const entries = await eventually(async () => {
      const page = await log('audit-a');
      return page.totalCount === 4 ? page.edges.map((e: { node: unknown }) => e.node) : undefined;
    });
    expect(entries.map((e: Record<string, unknown>) => [e.actor, e.operation, e.outcome, e.errorCode])).toEqual([
      ['rep', 'createApiKey', 'FAILED', 'FORBIDDEN'],
      ['boss', 'revokeApiKey', 'FAILED', 'CONFLICT'],
      ['boss', 'revokeApiKey', 'SUCCEEDED', null],
      ['boss', 'createApiKey', 'SUCCEEDED', null],
    ]);
    expect(entries[2].targetIds).toEqual([apiKey.id]);
    expect(entries[3].targetIds).toEqual([apiKey.id]);
    expect((await log('audit-a', { targetId: apiKey.id })).totalCount).toBe(3);
    expect((await log('audit-a', { actor: 'rep' })).totalCount).toBe(1);
    expect((await log('audit-a', { operation: 'revokeApiKey', from: entries[3].at })).totalCount).toBe(2);
    expect((await log('audit-a', { to: entries[3].at })).totalCount).toBe(0);
    const first = await log('audit-a', {}, 3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect((await log('audit-a', {}, 3, first.pageInfo.endCursor)).edges).toHaveLength(1);
    expect((await log('audit-other')).totalCount).toBe(0);
  });

  test('only admins read it', async () => {
    const res = await svc.call(LOG, {}, { tenantId: 'audit-a', roles: ['analyst'] });
    expect(res.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', operation: 'auditLog', requiredRoles: ['admin'] });
  });
});
