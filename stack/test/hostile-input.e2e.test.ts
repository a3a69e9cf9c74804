// Hostile input, sent as an attacker would from outside: raw bytes on sockets, malformed
// documents, control characters, forged cursors, oversized values, dangling references and
// captured signatures. Whatever comes in, no process exits, nothing answers 5xx, every error
// carries a code, and the tenant's rows are what they were.
import { randomUUID } from 'node:crypto';
import { signIdentity } from '@crm/service-kit';
import { eventually, graphqlRequestBody, GraphQLResponse, postGraphQL, TEST_SUBGRAPH_SECRET } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';
import { rawPost, rawRequest, RawResponse } from './raw-http';

let stack: TestStack;
const TENANT = `hostile-${randomUUID().slice(0, 8)}`;
const sent: Record<string, number> = {};
const statuses: number[] = [];
let contactId: string;
let dealId: string;

const port = (url: string) => Number(new URL(url).port);
const gatewayPort = () => port(stack.gatewayUrl);
const subgraphPort = (name: string) => port(stack.services[name].url);

async function gql(kind: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> {
  sent[kind] = (sent[kind] ?? 0) + 1;
  const res = await stack.as(TENANT)(query, variables);
  statuses.push(res.status);
  expect(res.status).toBeLessThan(500);
  for (const e of res.errors ?? []) {
    expect({ message: e.message, code: typeof e.extensions?.code }).toEqual({ message: e.message, code: 'string' });
    expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  }
  return res;
}

/** Straight to a subgraph with a valid gateway signature: what a subgraph must survive on its own. */
async function direct(kind: string, subgraph: string, query: string, variables: Record<string, unknown> = {}) {
  sent[kind] = (sent[kind] ?? 0) + 1;
  const body = graphqlRequestBody(query, variables);
  const headers = signIdentity({ tenantId: TENANT, userId: 'attacker', roles: ['admin'] }, TEST_SUBGRAPH_SECRET, { method: 'POST', subgraph, body });
  const res = await postGraphQL(stack.services[subgraph].url, body, headers);
  statuses.push(res.status);
  expect(res.status).toBeLessThan(500);
  for (const e of res.errors ?? []) expect(e.extensions?.code).toEqual(expect.any(String));
  for (const e of res.errors ?? []) expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  return res;
}

async function raw(kind: string, target: number, bytes: Parameters<typeof rawRequest>[1], opts?: Parameters<typeof rawRequest>[2]): Promise<RawResponse> {
  sent[kind] = (sent[kind] ?? 0) + 1;
  const res = await rawRequest(target, bytes, opts);
  if (res.status) statuses.push(res.status);
  expect(res.status).toBeLessThan(500);
  // Still serving: a fresh connection gets its answer.
  const next = await rawRequest(target, 'GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', { waitForClose: true });
  expect(next.status).toBe(200);
  return res;
}

async function rows() {
  const one = async (service: string, table: string) =>
    (await stack.services[service].db.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [TENANT]))[0].n as number;
  return {
    contacts: await one('leads', 'contacts'),
    companies: await one('leads', 'companies'),
    deals: await one('pipeline', 'deals'),
    activities: await one('pipeline', 'activities'),
  };
}
let before: Awaited<ReturnType<typeof rows>>;

beforeAll(async () => {
  stack = await startTestStack();
  const q = stack.as(TENANT);
  const c = await q<{ captureLead: { id: string } }>('mutation { captureLead(input: { email: "seed@hostile.example", companyDomain: "hostile.example" }) { id } }');
  contactId = c.data!.captureLead.id;
  // Pipeline knows the contact once leads' contact.created has reached it.
  dealId = await eventually(async () => {
    const d = await q<{ createDeal: { id: string } }>('mutation($c: ID!) { createDeal(input: { contactId: $c, title: "Seed", amount: 100 }) { id } }', { c: contactId });
    return d.data?.createDeal.id;
  });
  before = await rows();
});
afterAll(async () => {
  const total = Object.values(sent).reduce((a, b) => a + b, 0);
  process.stdout.write(`hostile input: ${total} requests, ${statuses.filter((s) => s >= 500).length} with status >= 500\n${JSON.stringify(sent, null, 1)}\n`);
  await stack?.stop();
});

describe('raw HTTP: no request ends a process', () => {
  const targets = () => [['gateway', gatewayPort()], ['leads', subgraphPort('leads')], ['pipeline', subgraphPort('pipeline')]] as const;
  const lines = [
    'GET http://x:99999/graphql HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET http://x:99999 HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET http://[::1/graphql HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET https://evil.example:0/graphql?query=%7B HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET //graphql HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET * HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET mailto:x HTTP/1.1\r\nhost: x\r\n\r\n',
    'OPTIONS * HTTP/1.1\r\nhost: x\r\n\r\n',
    'GARBAGE\r\n\r\n',
    'GET\r\n\r\n',
    'GET / HTTP/9.9\r\nhost: x\r\n\r\n',
    '\x00\x01\x02\x03\r\n\r\n',
    'GET /graphql?query=%E0%A4%A HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET /%ZZ%%%?%ZZ=%ZZ HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET /graphql?query=%7B%20__typename%20%7D&variables=%ZZ HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET /graphql?query=%00 HTTP/1.1\r\nhost: x\r\napollo-require-preflight: 1\r\n\r\n',
    'GET /graphql?extensions=%7B HTTP/1.1\r\nhost: x\r\napollo-require-preflight: 1\r\n\r\n',
    'GET /metrics?%ZZ HTTP/1.1\r\nhost: x\r\n\r\n',
    'GET /ready# HTTP/1.1\r\nhost: x\r\n\r\n',
    `GET /graphql HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    `GET /graphql HTTP/1.1\r\nhost: x\r\n${Array.from({ length: 500 }, (_, i) => `x-h${i}: v`).join('\r\n')}\r\n\r\n`,
    `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nhost: x\r\n\r\n`,
    'GET /graphql HTTP/1.1\r\nhost: x\r\nauthorization: Bearer \x7f\r\n\r\n',
    'GET /graphql HTTP/1.1\r\nhost: x\r\nauthorization: Bearer a.b.c\r\naccept: text/html\r\n\r\n',
    'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n',
    'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello',
    'POST /graphql HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n0\r\n\r\n',
    'POST /graphql HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nZZZ\r\nxx\r\n\r\n',
    'POST /graphql HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip\r\n\r\n',
    rawPost('{"query":'),
    rawPost('[]'),
    rawPost('null'),
    rawPost('"{ __typename }"'),
    rawPost('{"query": 42}'),
    rawPost('{"query": "{ __typename }", "variables": "x"}'),
    rawPost('{"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}'),
    rawPost('[{"query": "{ __typename }"}, {"query": "{ __typename }"}]'),
    rawPost(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
    rawPost('{"query":"{ __typename }"}', { 'content-type': 'text/plain' }),
    rawPost('{"query":"{ __typename }"}', { 'content-type': 'application/x-www-form-urlencoded' }),
  ];

  test('absolute-form and malformed request lines, bad ports, invalid percent encoding, oversized and bad headers, bad bodies: 4xx, and the next connection is served', async () => {
    for (const [, target] of targets()) {
      for (const line of lines) {
        const res = await raw('raw request line/headers/body', target, line);
        if (res.status) expect(res.status).toBeGreaterThanOrEqual(200);
      }
    }
  });

  test('truncated bodies (EOF before Content-Length) are dropped without an answer that executes anything', async () => {
    for (const [, target] of targets()) {
      const head = 'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n';
      await raw('truncated body', target, [head, '{"query":"mutation { captureLead('], { halfClose: true });
      await raw('truncated body', target, [`POST /graphql HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n10\r\n{"query":"{ __ty`], { halfClose: true });
      await raw('truncated body', target, [head], { halfClose: true });
    }
  });

  test('oversized bodies: 413, Connection: close, and the socket is ended (declared or streamed)', async () => {
    for (const [, target] of targets()) {
      const big = `{"query":"{ __typename }","variables":{"x":"${'a'.repeat(2 * 1024 * 1024)}"}}`;
      const declared = await raw('oversized body', target, rawPost(big), { waitForClose: true });
      expect(declared).toMatchObject({ status: 413, closed: true });
      expect(declared.headers.connection).toBe('close');
      expect(JSON.parse(declared.body).errors[0].extensions.code).toBe('BAD_REQUEST');

      const chunk = 'a'.repeat(256 * 1024);
      const chunks = Array.from({ length: 80 }, () => `${(chunk.length).toString(16)}\r\n${chunk}\r\n`);
      const streamed = await raw('oversized body', target, ['POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n', ...chunks], { waitForClose: true });
      expect(streamed).toMatchObject({ status: 413, closed: true });

      const lying = await raw('oversized body', target, 'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 99999999999\r\n\r\n{}', { waitForClose: true });
      expect(lying).toMatchObject({ status: 413, closed: true });
    }
  });

  test('a body past 1 MB is accepted only for importContacts (up to 16 MB, 100k rows)', async () => {
    const big = `{"query":"{ contacts { totalCount } }","variables":{"x":"${'a'.repeat(1100 * 1024)}"}}`;
    expect((await raw('oversized body', gatewayPort(), rawPost(big), { waitForClose: true })).status).toBe(413);
    // Another tenant: the hostile tenant's rows stay as they were.
    const importer = stack.as(`${TENANT}-import`);
    const importQuery = 'mutation($csv: String!) { importContacts(input: { csv: $csv }) { created failed ignoredColumns } }';
    const notes = 'n'.repeat(600 * 1024);
    sent['large import'] = 3;
    const ok = await importer(importQuery, { csv: `email,notes\nbig1@import.example,${notes}\nbig2@import.example,${notes}\n` });
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ importContacts: { created: 2, failed: 0, ignoredColumns: ['notes'] } });
    const rows = await importer(importQuery, { csv: `email\n${Array.from({ length: 100_001 }, (_, i) => `r${i}@rows.example`).join('\n')}` });
    expect(rows.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv' });
    const huge = await importer(importQuery, { csv: `email,notes\n${`x@huge.example,${'h'.repeat(900 * 1024)}\n`.repeat(19)}` });
    expect(huge.status).toBe(413);
  });
});

describe('GraphQL documents: parse failures and limits are 400 with a code', () => {
  test.each([
    ['unterminated', '{ contacts {'],
    ['garbage', '}}}}'],
    ['empty', ''],
    ['whitespace', '   '],
    ['unterminated string', '{ contacts(filter: { search: "abc }) { totalCount } }'],
    ['NUL in the document', '{ __typename \u0000 }'],
    ['bad escape', '{ contacts(filter: { search: "\\uZZZZ" }) { totalCount } }'],
    ['too many tokens', `{ ${Array.from({ length: 1200 }, () => '__typename').join(' ')} }`],
    ['token flood that also fails to parse', `{ ${'a '.repeat(3000)}`],
    ['too many aliases', `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: contacts { totalCount }`).join(' ')} }`],
    ['too deep', `{ contacts { edges { node { company { id } deals { contact { deals { contact { deals { contact { deals { contact { id } } } } } } } } } } } }`],
    ['unknown field', '{ nope }'],
    ['two anonymous operations', '{ __typename } { __typename }'],
    ['directive flood', `{ __typename ${'@skip(if: false) '.repeat(200)} }`],
    ['fragment cycle', 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'],
  ])('%s', async (_label, query) => {
    const res = await gql('document parse/limit', query);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toMatch(/^(GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|BAD_REQUEST)$/);
  });
});

const capture = 'mutation($input: CaptureLeadInput!) { captureLead(input: $input) { id } }';
const createDeal = 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }';
const createActivity = 'mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }';

describe('control characters in any text input: BAD_USER_INPUT naming the field', () => {
  const controls = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f'];
  test('every C0 control but tab/newline/CR, in leads and pipeline fields and search terms', async () => {
    for (const ch of controls) {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        [capture, { input: { email: `a${ch}@x.example` } }, 'email'],
        [capture, { input: { email: 'ok@x.example', firstName: `Ada${ch}` } }, 'firstName'],
        [capture, { input: { email: 'ok@x.example', companyName: `Co${ch}`, companyDomain: 'co.example' } }, 'companyName'],
        ['query($f: ContactFilter) { contacts(filter: $f) { totalCount } }', { f: { search: `ada${ch}` } }, 'search'],
        [createDeal, { input: { contactId, title: `Deal${ch}`, amount: 1 } }, 'title'],
        [createActivity, { input: { kind: 'NOTE', subject: `Hi${ch}`, contactId } }, 'subject'],
        ['mutation($i: LoseDealInput!) { loseDeal(input: $i) { id } }', { i: { dealId, reason: `why${ch}` } }, 'reason'],
        ['query($id: ID!) { contact(id: $id) { id } }', { id: `${contactId}${ch}` }, 'id'],
      ];
      for (const [query, variables, field] of cases) {
        const res = await gql('control characters', query, variables);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
    }
    // Inline literals too.
    const literal = await gql('control characters', 'mutation { captureLead(input: { email: "x@y.example", lastName: "a\\u0000b" }) { id } }');
    expect(literal.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lastName' });
  });

  test('tab, newline and carriage return are text', async () => {
    const res = await gql('control characters', createActivity, { input: { kind: 'NOTE', subject: 'line one\tcol', body: 'a\r\nb\nc', contactId } });
    expect(res.errors).toBeUndefined();
    await stack.services.pipeline.db.query('DELETE FROM activities WHERE tenant_id = $1 AND id = $2', [TENANT, (res.data as { createActivity: { id: string } }).createActivity.id]);
  });
});

describe('custom scalars, at the gateway and relayed from a subgraph: BAD_USER_INPUT', () => {
  test.each([
    ['DateTime in a variable (coerced by pipeline)', createActivity, () => ({ input: { kind: 'TASK', subject: 's', contactId, dueAt: 'tomorrow' } })],
    ['DateTime out of range', createActivity, () => ({ input: { kind: 'TASK', subject: 's', contactId, dueAt: '2024-13-45T99:99:99Z' } })],
    ['DateTime as a number', createActivity, () => ({ input: { kind: 'TASK', subject: 's', contactId, dueAt: 12 } })],
    ['DateTime in a filter (coerced by leads)', 'query($f: ContactFilter) { contacts(filter: $f) { totalCount } }', () => ({ f: { createdAfter: '99999-99-99' } })],
    ['DateTime in recordEngagement', 'mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { id } }', () => ({ i: { contactId, kind: 'PAGE_VIEW', at: 'yesterday' } })],
    ['JSON rules that are not rules', 'mutation($r: JSON) { updateLeadSettings(input: { scoringRules: $r }) { mqlThreshold } }', () => ({ r: 'not rules' })],
    ['JSON rules nested wrongly', 'mutation($r: JSON) { updateLeadSettings(input: { scoringRules: $r }) { mqlThreshold } }', () => ({ r: { fit: [{ nope: true }] } })],
    ['Int over 2^31', capture, () => ({ input: { email: 'big@x.example', companySize: 2 ** 31 } })],
    ['Int as a float', createDeal, () => ({ input: { contactId, title: 't', amount: 1.5 } })],
    ['enum that does not exist', createActivity, () => ({ input: { kind: 'HACK', subject: 's', contactId } })],
  ])('%s', async (_label, query, variables) => {
    const res = await gql('custom scalars', query, variables());
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('inline DateTime literal', async () => {
    const res = await gql('custom scalars', `mutation { createActivity(input: { kind: TASK, subject: "s", contactId: "${contactId}", dueAt: "nope" }) { id } }`);
    expect(res.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });
});

describe('forged cursors: BAD_USER_INPUT on after', () => {
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const forged = [
    'garbage', '', '====', b64('not json'), b64(null), b64(42), b64([]), b64({ at: 1 }),
    b64(['2024-01-01T00:00:00.000Z', 'not-a-uuid']),
    b64(['2024-01-01T00:00:00.000Z', "'; DROP TABLE contacts; --"]),
    b64(['99999-01-01T00:00:00.000Z', randomUUID()]),
    b64(['+275760-09-13T00:00:00.000Z', randomUUID()]),
    b64(['2024-02-30T00:00:00.000Z', randomUUID()]),
    b64(['yesterday', randomUUID()]),
    b64([1e20, randomUUID()]),
    b64(['2024-01-01T00:00:00.000Z', randomUUID(), 'extra']),
  ];
  test('contacts, deals, activities', async () => {
    for (const after of forged) {
      for (const query of [
        'query($a: String) { contacts(first: 5, after: $a) { totalCount } }',
        'query($a: String) { deals(first: 5, after: $a) { totalCount } }',
        'query($a: String) { activities(first: 5, after: $a) { totalCount } }',
      ]) {
        const res = await gql('forged cursors', query, { a: after });
        if (after === '') continue; // an empty cursor is no cursor
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    }
  });
});

describe('sizes and numbers: refused at input', () => {
  test.each([
    ['a 10k-character name', capture, () => ({ input: { email: 'long@x.example', firstName: 'a'.repeat(10_000) } }), 'firstName'],
    ['an email that grows when lower-cased', capture, () => ({ input: { email: `${'İ'.repeat(200)}@x.example` } }), 'email'],
    ['a long domain', capture, () => ({ input: { email: 'd@x.example', companyDomain: `${'a'.repeat(300)}.example` } }), 'companyDomain'],
    ['a domain that grows when lower-cased', capture, () => ({ input: { email: 'd@x.example', companyDomain: `${'İ'.repeat(250)}.com` } }), 'companyDomain'],
    ['a negative company size', capture, () => ({ input: { email: 'n@x.example', companySize: -5 } }), 'companySize'],
    ['a negative budget', capture, () => ({ input: { email: 'n@x.example', budget: -1 } }), 'budget'],
    ['a long search term', 'query($f: ContactFilter) { contacts(filter: $f) { totalCount } }', () => ({ f: { search: 'a'.repeat(5000) } }), 'filter.search'],
    ['a negative amount', createDeal, () => ({ input: { contactId, title: 't', amount: -1 } }), 'amount'],
    ['a probability over 100', createDeal, () => ({ input: { contactId, title: 't', amount: 1, probability: 101 } }), 'probability'],
    ['a 10k-character deal title', createDeal, () => ({ input: { contactId, title: 'x'.repeat(10_000), amount: 1 } }), 'title'],
    ['a 1 MB-ish activity body', createActivity, () => ({ input: { kind: 'NOTE', subject: 's', body: 'b'.repeat(200_000), contactId } }), 'body'],
    ['a currency that is not ISO', createDeal, () => ({ input: { contactId, title: 't', amount: 1, currency: 'DOLLARS' } }), 'currency'],
    ['a huge page', 'query($n: Int) { deals(first: $n) { totalCount } }', () => ({ n: 1_000_000 }), 'first'],
    ['a negative page', 'query { contacts(first: -1) { totalCount } }', () => ({}), 'first'],
  ])('%s', async (_label, query, variables, field) => {
    const res = await gql('sizes and numbers', query, variables());
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('references to records that do not exist in the tenant: NOT_FOUND naming the field', () => {
  test('a deal or activity for an unknown contact, deal or company', async () => {
    const unknown = randomUUID();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [createDeal, { input: { contactId: unknown, title: 't', amount: 1 } }, 'contactId'],
      [createActivity, { input: { kind: 'NOTE', subject: 's', contactId: unknown } }, 'contactId'],
      [createActivity, { input: { kind: 'NOTE', subject: 's', dealId: unknown } }, 'dealId'],
      ['mutation($i: MergeContactsInput!) { mergeContacts(input: $i) { id } }', { i: { primaryId: contactId, duplicateId: unknown } }, 'duplicateId'],
    ];
    for (const [query, variables, field] of cases) {
      const res = await gql('dangling references', query, variables);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field });
    }
  });
});

describe('straight to a subgraph, signed: the same classes', () => {
  test('leads and pipeline', async () => {
    const res1 = await direct('direct to subgraph', 'leads', capture, { input: { email: 'a@b.example', firstName: 'x\u0000' } });
    expect(res1.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'firstName' });
    const res2 = await direct('direct to subgraph', 'pipeline', createActivity, { input: { kind: 'TASK', subject: 's', contactId, dueAt: 'never' } });
    expect(res2.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const res3 = await direct('direct to subgraph', 'pipeline', '{ deals(after: "Zm9v") { totalCount } }');
    expect(res3.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const res4 = await direct('direct to subgraph', 'leads', '{ __schema { types { name } } }');
    expect(res4.status).toBe(200); // introspection is on outside production, as at the gateway
    const res5 = await direct('direct to subgraph', 'leads', `{ ${Array.from({ length: 25_000 }, () => '__typename').join(' ')} }`);
    expect(res5.status).toBe(400);
    const res6 = await direct('direct to subgraph', 'pipeline', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }', { r: [{ __typename: 'Contact', id: 'x\u0000' }] });
    expect(res6.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('captured signatures: replayed, with another body, against another subgraph: 401', async () => {
    const body = graphqlRequestBody('{ pipelines { id } }');
    const headers = signIdentity({ tenantId: TENANT, userId: 'u', roles: ['admin'] }, TEST_SUBGRAPH_SECRET, { method: 'POST', subgraph: 'pipeline', body });
    const url = stack.services.pipeline.url;
    sent['captured signatures'] = (sent['captured signatures'] ?? 0) + 4;
    expect((await postGraphQL(url, body, headers)).status).toBe(200);
    expect((await postGraphQL(url, body, headers)).status).toBe(401);
    expect((await postGraphQL(url, graphqlRequestBody('mutation { createDeal(input: { contactId: "x", title: "t", amount: 1 }) { id } }'), headers)).status).toBe(401);
    expect((await postGraphQL(stack.services.leads.url, body, headers)).status).toBe(401);
  });
});

test('after all of it: every process serves, and the tenant rows are unchanged', async () => {
  for (const target of [gatewayPort(), subgraphPort('leads'), subgraphPort('pipeline'), subgraphPort('tickets'), subgraphPort('campaigns'), subgraphPort('analytics')]) {
    expect((await rawRequest(target, 'GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', { waitForClose: true })).status).toBe(200);
  }
  expect((await stack.as(TENANT)('{ contacts { totalCount } }')).data).toEqual({ contacts: { totalCount: before.contacts } });
  expect(await rows()).toEqual(before);
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
});
