// Hostile HTTP, sent as an attacker would from outside: raw bytes on sockets (absolute-form and
// malformed request lines, bad ports and percent-encoding, oversized headers, truncated and
// oversized bodies) and captured gateway signatures, to the gateway and straight to subgraphs.
// No process exits, nothing answers 5xx, the next connection is served, and no row changes.
import { startTestStack, TestStack } from './helpers';
import { Attacker } from './hostile';
import { graphqlRequestBody, postGraphQL, TEST_SUBGRAPH_SECRET } from '@crm/testing';
import { signIdentity } from '@crm/service-kit';
import { rawPost } from './raw-http';

let stack: TestStack;
const attacker = new Attacker(() => stack);
let before: Awaited<ReturnType<Attacker['rows']>>;

beforeAll(async () => {
  stack = await startTestStack();
  await attacker.seed();
  before = await attacker.rows();
});
afterAll(async () => {
  attacker.report('hostile HTTP');
  await stack?.stop();
});

const capture = 'mutation($input: CaptureLeadInput!) { captureLead(input: $input) { id } }';
const createActivity = 'mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }';

describe('raw HTTP: no request ends a process', () => {
  const targets = () =>
    [
      ['gateway', attacker.gatewayPort],
      ['leads', attacker.subgraphPort('leads')],
      ['pipeline', attacker.subgraphPort('pipeline')],
    ] as const;
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
    rawPost(
      `{"query":"mutation($r: JSON) { updateLeadSettings(input: { scoringRules: $r }) { mqlThreshold } }","variables":{"r":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    ),
    rawPost(`{"query":"{ __typename }","variables":{"x":${'{"a":'.repeat(70)}1${'}'.repeat(70)}}}`),
    rawPost('{"query":"{ __typename }"}', { 'content-type': 'text/plain' }),
    rawPost('{"query":"{ __typename }"}', { 'content-type': 'application/x-www-form-urlencoded' }),
  ];

  test('absolute-form and malformed request lines, bad ports, invalid percent encoding, oversized and bad headers, bad bodies: 4xx, and the next connection is served', async () => {
    for (const [, target] of targets()) {
      for (const line of lines) {
        const res = await attacker.raw('raw request line/headers/body', target, line);
        if (res.status) expect(res.status).toBeGreaterThanOrEqual(200);
      }
    }
  });

  test('truncated bodies (EOF before Content-Length) are dropped without an answer that executes anything', async () => {
    for (const [, target] of targets()) {
      const head = 'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n';
      await attacker.raw('truncated body', target, [head, '{"query":"mutation { captureLead('], { halfClose: true });
      await attacker.raw(
        'truncated body',
        target,
        [`POST /graphql HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n10\r\n{"query":"{ __ty`],
        { halfClose: true },
      );
      await attacker.raw('truncated body', target, [head], { halfClose: true });
    }
  });

  test('oversized bodies: 413, Connection: close, and the socket is ended (declared or streamed)', async () => {
    for (const [, target] of targets()) {
      const big = `{"query":"{ __typename }","variables":{"x":"${'a'.repeat(2 * 1024 * 1024)}"}}`;
      const declared = await attacker.raw('oversized body', target, rawPost(big), { waitForClose: true });
      expect(declared).toMatchObject({ status: 413, closed: true });
      expect(declared.headers.connection).toBe('close');
      expect(JSON.parse(declared.body).errors[0].extensions.code).toBe('BAD_REQUEST');

      const chunk = 'a'.repeat(256 * 1024);
      const chunks = Array.from({ length: 80 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      const streamed = await attacker.raw(
        'oversized body',
        target,
        ['POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n', ...chunks],
        { waitForClose: true },
      );
      expect(streamed).toMatchObject({ status: 413, closed: true });

      const lying = await attacker.raw(
        'oversized body',
        target,
        'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 99999999999\r\n\r\n{}',
        { waitForClose: true },
      );
      expect(lying).toMatchObject({ status: 413, closed: true });
    }
  });

  test('a body past 1 MB is accepted only for importContacts (up to 16 MB, 100k rows)', async () => {
    const big = `{"query":"{ contacts { totalCount } }","variables":{"x":"${'a'.repeat(1100 * 1024)}"}}`;
    expect((await attacker.raw('oversized body', attacker.gatewayPort, rawPost(big), { waitForClose: true })).status).toBe(413);
    // Another tenant: the hostile tenant's rows stay as they were.
    const importer = stack.as(`${attacker.tenant}-import`);
    const importQuery = 'mutation($csv: String!) { importContacts(input: { csv: $csv }) { created failed ignoredColumns } }';
    const notes = 'n'.repeat(600 * 1024);
    attacker.count('large import', 3);
    const ok = await importer(importQuery, { csv: `email,notes\nbig1@import.example,${notes}\nbig2@import.example,${notes}\n` });
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ importContacts: { created: 2, failed: 0, ignoredColumns: ['notes'] } });
    const rows = await importer(importQuery, {
      csv: `email\n${Array.from({ length: 100_001 }, (_, i) => `r${i}@rows.example`).join('\n')}`,
    });
    expect(rows.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv' });
    const huge = await importer(importQuery, { csv: `email,notes\n${`x@huge.example,${'h'.repeat(900 * 1024)}\n`.repeat(19)}` });
    expect(huge.status).toBe(413);
  });
});

describe('straight to a subgraph, signed: the same classes', () => {
  test('leads and pipeline', async () => {
    const res1 = await attacker.direct('direct to subgraph', 'leads', capture, { input: { email: 'a@b.example', firstName: 'x\u0000' } });
    expect(res1.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'firstName' });
    const res2 = await attacker.direct('direct to subgraph', 'pipeline', createActivity, {
      input: { kind: 'TASK', subject: 's', contactId: attacker.contactId, dueAt: 'never' },
    });
    expect(res2.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const res3 = await attacker.direct('direct to subgraph', 'pipeline', '{ deals(after: "Zm9v") { totalCount } }');
    expect(res3.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const res4 = await attacker.direct('direct to subgraph', 'leads', '{ __schema { types { name } } }');
    expect(res4.status).toBe(200); // introspection is on outside production, as at the gateway
    const res5 = await attacker.direct(
      'direct to subgraph',
      'leads',
      `{ ${Array.from({ length: 25_000 }, () => '__typename').join(' ')} }`,
    );
    expect(res5.status).toBe(400);
    const res6 = await attacker.direct(
      'direct to subgraph',
      'pipeline',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }',
      { r: [{ __typename: 'Contact', id: 'x\u0000' }] },
    );
    expect(res6.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('captured signatures: replayed, with another body, against another subgraph: 401', async () => {
    const body = graphqlRequestBody('{ pipelines { id } }');
    const headers = signIdentity({ tenantId: attacker.tenant, userId: 'u', roles: ['admin'] }, TEST_SUBGRAPH_SECRET, {
      method: 'POST',
      subgraph: 'pipeline',
      body,
    });
    const url = stack.services.pipeline.url;
    attacker.count('captured signatures', 4);
    expect((await postGraphQL(url, body, headers)).status).toBe(200);
    expect((await postGraphQL(url, body, headers)).status).toBe(401);
    expect(
      (
        await postGraphQL(
          url,
          graphqlRequestBody('mutation { createDeal(input: { contactId: "x", title: "t", amount: 1 }) { id } }'),
          headers,
        )
      ).status,
    ).toBe(401);
    expect((await postGraphQL(stack.services.leads.url, body, headers)).status).toBe(401);
  });
});

test('after all of it: every process serves, and the tenant rows are unchanged', async () => {
  await attacker.expectAllServing();
  expect(await attacker.rows()).toEqual(before);
  expect(attacker.statuses.filter((s) => s >= 500)).toEqual([]);
});
