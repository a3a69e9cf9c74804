// Limits at the gateway (docs/access.md): query cost with variables, hostile documents that
// change no row, per-key rate limits shared by two gateway processes through Redis, and
// revocation reaching both within 5 s.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createLogger, RunningHttpServer } from '@crm/service-kit';
import { issueUserToken, startGateway, SUBGRAPHS } from '@crm/gateway';
import { eventually, graphql, GraphQLResponse, TEST_JWT_SECRET, TEST_SUBGRAPH_SECRET } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `crm-test-${randomUUID().slice(0, 8)}:`;
const T = `limits-${randomUUID().slice(0, 8)}`;
let stack: TestStack;
let second: RunningHttpServer;
let redis: Redis;

beforeAll(async () => {
  stack = await startTestStack({ kafka: true, rateLimits: { redisUrl: REDIS_URL, redisPrefix: prefix } });
  second = await startGateway({
    port: 0,
    jwtSecret: TEST_JWT_SECRET,
    subgraphSecret: TEST_SUBGRAPH_SECRET,
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, stack.services[name].url])),
    logger: createLogger('gateway-2', 'silent'),
    rateLimits: { redisUrl: REDIS_URL, redisPrefix: prefix, userPerMinute: 5 },
  });
  redis = new Redis(REDIS_URL);
}, 120_000);
afterAll(async () => {
  const left = await redis.keys(`${prefix}*`);
  if (left.length) await redis.del(...left);
  redis.disconnect();
  await second?.stop();
  await stack?.stop();
});

const secondUrl = () => `${second.url.replace(/\/$/, '')}${second.url.endsWith('/graphql') ? '' : '/graphql'}`;

describe('query cost', () => {
  const page = (first: string, nested: string) =>
    `query${first === '$n' ? '($n: Int)' : ''} { contacts(first: ${first}) { totalCount edges { node { id email firstName lastName lifecycleStage score company { name } ${nested} } } } }`;
  const frontend =
    'deals { id title amount status stage { name } } tickets { totalCount edges { node { id subject status priority } } } campaignMemberships { id status campaign { id name } }';
  test('a 100-row contacts page with deals, tickets and memberships passes, literal or through a variable', async () => {
    for (const [query, n] of [
      [page('100', frontend), undefined],
      [page('$n', frontend), 100],
    ] as const) {
      const res = await stack.as(T)(query, { n });
      expect(res.errors).toBeUndefined();
      expect(res.data!.contacts.totalCount).toBe(0);
    }
  });
  test('the same nested three levels deep is refused, and so is first: $n hiding a large page', async () => {
    const deep = 'deals { id contact { deals { id contact { deals { id title } } } } }';
    for (const [query, n] of [
      [page('100', deep), undefined],
      [page('$n', deep), 100],
      [page('$n', deep), 1e9],
    ] as const) {
      const res = await stack.as(T)(query, { n });
      expect(res.status).toBe(400);
      expect(res.errors![0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', maxCost: 100_000 });
    }
  });
});

/** Rows of tenant T in every table of every service that has a tenant_id. */
async function rowsOfTenant(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, service] of Object.entries(stack.services)) {
    const tables: Array<{ table_name: string }> = await service.db.query(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id'",
    );
    // The audit log is the one place a refused mutation may leave a row (its FAILED entry).
    for (const { table_name } of tables.filter((t) => t.table_name !== 'audit_entries')) {
      const [{ n }] = await service.db.query(`SELECT count(*)::int AS n FROM "${table_name}" WHERE tenant_id = $1`, [T]);
      counts[`${name}.${table_name}`] = n;
    }
  }
  return counts;
}

test('hostile documents get a clear 4xx or GraphQL error, the gateway keeps serving, and no row changes', async () => {
  const token = await issueUserToken({ sub: 'attacker', tid: T, roles: ['admin'] }, TEST_JWT_SECRET);
  const post = async (body: string) => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  expect((await stack.as(T)('{ contacts(first: 1) { totalCount } }')).data).toEqual({ contacts: { totalCount: 0 } }); // tenant provisioned
  const before = await rowsOfTenant();
  const capture = 'mutation($e: String!, $f: String) { captureLead(input: { email: $e, firstName: $f }) { id } }';
  let deep = '{ id }';
  for (let i = 0; i < 25; i++) deep = `{ id contact { deals ${deep} } }`;
  const hostile: Array<[string, string]> = [
    ['depth 50', JSON.stringify({ query: `query($id: ID!) { deal(id: $id) ${deep} }`, variables: { id: randomUUID() } })],
    [
      '1,000 aliases',
      JSON.stringify({
        query: `mutation { ${Array.from({ length: 1000 }, (_, i) => `a${i}: captureLead(input: { email: "a${i}@x.example" }) { id }`).join(' ')} }`,
      }),
    ],
    ['10,000 tokens', JSON.stringify({ query: `{ contacts(first: 1) { ${'totalCount '.repeat(10_000)} } }` })],
    ['first: $n = 10^9', JSON.stringify({ query: 'query($n: Int) { contacts(first: $n) { totalCount } }', variables: { n: 1e9 } })],
    ['a 1 MB string', JSON.stringify({ query: capture, variables: { e: 'big@x.example', f: 'a'.repeat(1024 * 1024) } })],
    ['wrong variable types', JSON.stringify({ query: capture, variables: { e: { not: 'a string' }, f: 12 } })],
    [
      'a 100-operation batch',
      JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ query: capture, variables: { e: `b${i}@x.example` } }))),
    ],
  ];
  const answers: Record<string, string> = {};
  for (const [label, body] of hostile) {
    const { status, text } = await post(body);
    let code = 'none';
    try {
      code = (JSON.parse(text) as GraphQLResponse).errors?.[0]?.extensions?.code ?? 'none';
    } catch {
      /* a non-JSON 4xx still counts as refused */
    }
    answers[label] =
      status >= 400 && status < 500 ? `4xx` : code !== 'none' && code !== 'INTERNAL_SERVER_ERROR' ? 'error' : `${status} ${code}`;
  }
  expect(answers).toEqual(Object.fromEntries(hostile.map(([label]) => [label, label === 'first: $n = 10^9' ? answers[label] : '4xx'])));
  expect(['4xx', 'error']).toContain(answers['first: $n = 10^9']);
  expect((await stack.as(T)('{ contacts(first: 1) { totalCount } }')).data).toEqual({ contacts: { totalCount: 0 } });
  expect(await rowsOfTenant()).toEqual(before);
}, 60_000);

describe('rate limits across two gateways sharing Redis', () => {
  let key: { id: string; secret: string };
  beforeAll(async () => {
    const res = await stack.as(T)(
      'mutation { createApiKey(input: { name: "hammer", scopes: ["contacts:read"], rateLimitPerMinute: 60 }) { secret apiKey { id } } }',
    );
    key = { id: res.data!.createApiKey.apiKey.id, secret: res.data!.createApiKey.secret };
  });
  const call = (url: string, secret: string) => graphql(url, '{ contacts(first: 1) { totalCount } }', {}, { 'x-api-key': secret });

  test('60/min over both gateways hammered together: about 60 pass, then 429 RATE_LIMITED with Retry-After, and recovery after it', async () => {
    const started = Date.now();
    const results: Array<{ status: number; retryAfter: string | null; code?: string }> = [];
    for (let wave = 0; wave < 20; wave++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const url = i % 2 ? secondUrl() : stack.gatewayUrl;
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': key.secret },
            body: JSON.stringify({ query: '{ contacts(first: 1) { totalCount } }' }),
          });
          const body = (await res.json()) as GraphQLResponse;
          results.push({ status: res.status, retryAfter: res.headers.get('retry-after'), code: body.errors?.[0]?.extensions?.code });
        }),
      );
    }
    const seconds = (Date.now() - started) / 1000;
    const passed = results.filter((r) => r.status === 200).length;
    const limited = results.filter((r) => r.status === 429);
    console.info(`rate limit 60/min, 2 gateways, 200 requests in ${seconds.toFixed(1)} s: ${passed} passed, ${limited.length} limited`);
    expect(passed).toBeGreaterThanOrEqual(60);
    expect(passed).toBeLessThanOrEqual(60 + Math.ceil(seconds) + 1);
    expect(limited.length).toBe(200 - passed);
    for (const r of limited) {
      expect(r.code).toBe('RATE_LIMITED');
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    const recovered = await eventually(async () => ((await call(secondUrl(), key.secret)).status === 200 ? true : undefined), 3000, 200);
    expect(recovered).toBe(true);
  }, 60_000);

  test('users get their own limit (5/min on the second gateway here)', async () => {
    const token = await issueUserToken({ sub: 'busy', tid: T, roles: ['analyst'] }, TEST_JWT_SECRET);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await graphql(secondUrl(), '{ contacts(first: 1) { totalCount } }', {}, { authorization: `Bearer ${token}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  test('rotation and revocation reach both gateways within 5 s', async () => {
    const res = await stack.as(T)(
      'mutation { createApiKey(input: { name: "soon gone", scopes: ["contacts:read"] }) { secret apiKey { id } } }',
    );
    const { secret, apiKey } = res.data!.createApiKey;
    const both = async (key: string) => [(await call(stack.gatewayUrl, key)).status, (await call(secondUrl(), key)).status];
    expect(await both(secret)).toEqual([200, 200]);
    const timeUntilRefused = async (change: () => Promise<unknown>, key: string) => {
      const at = Date.now();
      await change();
      await eventually(async () => ((await both(key)).every((s) => s === 401) ? true : undefined), 6000, 100);
      return Date.now() - at;
    };
    let rotated = '';
    const rotation = await timeUntilRefused(async () => {
      rotated = (await stack.as(T)('mutation($id: ID!) { rotateApiKey(input: { id: $id }) { secret } }', { id: apiKey.id })).data!
        .rotateApiKey.secret;
    }, secret);
    expect(await both(rotated)).toEqual([200, 200]);
    const revocation = await timeUntilRefused(
      () => stack.as(T)('mutation($id: ID!) { revokeApiKey(input: { id: $id }) { revokedAt } }', { id: apiKey.id }),
      rotated,
    );
    console.info(`on both gateways: the old secret refused ${rotation} ms after rotation, the key ${revocation} ms after revocation`);
    expect(rotation).toBeLessThan(5000);
    expect(revocation).toBeLessThan(5000);
  }, 20_000);
});
