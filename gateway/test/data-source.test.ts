import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { createLogger, NonceCache, verifyIdentity } from '@crm/service-kit';
import { SignedDataSource } from '../src/data-source';
import { createSubgraphClient, inProcessFetcher, InProcessSubgraph, SubgraphClient } from '../src/subgraph-client';

// The data source against small real HTTP servers standing in for a subgraph: what it signs,
// and what a client gets when the subgraph is down, slow, failing or refusing input.
const secret = 'data-source-test-secret-0123456789';
const identity = { tenantId: 'acme', userId: 'u1', roles: ['sales' as const] };
const logger = createLogger('test', 'silent');

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
async function subgraph(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString(), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// The gateway's own HTTP client (undici), with the timeout under test.
const clients: SubgraphClient[] = [];
afterAll(() => Promise.all(clients.map((c) => c.close())));
const fetcher = (timeoutMs = 2000) => {
  const client = createSubgraphClient({ timeoutMs });
  clients.push(client);
  return client.fetcher;
};

async function call(url: string, timeout?: number, through = fetcher(timeout)) {
  const source = new SignedDataSource({ subgraph: 'pipeline', url, secret, fetcher: through, logger });
  const request = { query: '{ deals { totalCount } }', variables: { a: 1 }, http: undefined };
  // What the gateway hands a data source for one fetch of a query plan.
  return source.process({ kind: 'INCOMING_OPERATION', request, context: { identity }, incomingRequestContext: {} } as never);
}

const reply = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('SignedDataSource', () => {
  test('signs the exact body for the target subgraph; the signature verifies there once, and nowhere else', async () => {
    const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    const sg = await subgraph((req, body, res) => {
      seen.push({ headers: req.headers, body });
      reply(res, 200, { data: { deals: { totalCount: 3 } } });
    });
    try {
      expect((await call(sg.url)).data).toEqual({ deals: { totalCount: 3 } });
      const [{ headers, body }] = seen;
      expect(headers['x-crm-unsigned-caller']).toBeUndefined(); // the carrier header never leaves the gateway
      const nonces = new NonceCache();
      expect(verifyIdentity(headers, secret, { method: 'POST', subgraph: 'pipeline', body }, { nonces })).toEqual(identity);
      expect(() => verifyIdentity(headers, secret, { method: 'POST', subgraph: 'pipeline', body }, { nonces })).toThrow('replayed');
      expect(() => verifyIdentity(headers, secret, { method: 'POST', subgraph: 'leads', body })).toThrow('invalid gateway signature');
    } finally {
      await sg.close();
    }
  });

  test.each([
    [
      'answers 500',
      (_req: http.IncomingMessage, _b: string, res: http.ServerResponse) => reply(res, 500, { errors: [{ message: 'boom' }] }),
    ],
    [
      'answers 502 with HTML',
      (_req: http.IncomingMessage, _b: string, res: http.ServerResponse) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>bad gateway</h1>');
      },
    ],
    [
      'refuses the signature (401)',
      (_req: http.IncomingMessage, _b: string, res: http.ServerResponse) =>
        reply(res, 401, { errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }),
    ],
    [
      'answers 200 with a body that is not JSON',
      (_req: http.IncomingMessage, _b: string, res: http.ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      },
    ],
    ['never answers (timeout)', () => undefined],
  ])('a subgraph that %s is SUBGRAPH_UNAVAILABLE naming it', async (_label, handler) => {
    const sg = await subgraph(handler);
    try {
      const started = Date.now();
      const err = await call(sg.url, 300).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GraphQLError);
      expect((err as GraphQLError).extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'pipeline' });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await sg.close();
    }
  });

  test('a subgraph that is not listening is SUBGRAPH_UNAVAILABLE', async () => {
    const sg = await subgraph(() => undefined);
    await sg.close();
    await expect(call(sg.url)).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'pipeline' } });
  });

  test('a 400 carrying coded GraphQL errors (a variable the subgraph cannot coerce) keeps its code', async () => {
    const sg = await subgraph((_req, _b, res) =>
      reply(res, 400, {
        errors: [{ message: 'Variable "$input" got invalid value "x" at "input.dueAt"', extensions: { code: 'BAD_USER_INPUT' } }],
      }),
    );
    try {
      await expect(call(sg.url)).rejects.toMatchObject({
        message: expect.stringContaining('dueAt'),
        extensions: { code: 'BAD_USER_INPUT' },
      });
    } finally {
      await sg.close();
    }
  });
});

// The embedded mode: the same data source, its calls handed to a subgraph server in process.
describe('SignedDataSource in process', () => {
  const URL = 'http://127.0.0.1:1/graphql'; // nothing listens there: any HTTP attempt would fail
  const local = (target: InProcessSubgraph | undefined, timeoutMs = 2000) =>
    inProcessFetcher('pipeline', () => target, fetcher(timeoutMs), timeoutMs);

  test('the target gets the signed body and headers an HTTP subgraph would, and its answer is the data', async () => {
    const seen: Parameters<InProcessSubgraph>[0][] = [];
    const target: InProcessSubgraph = async (request) => {
      seen.push(request);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":{"deals":{"totalCount":7}}}' };
    };
    expect((await call(URL, undefined, local(target))).data).toEqual({ deals: { totalCount: 7 } });
    const [{ method, headers, body }] = seen;
    expect(method).toBe('POST');
    expect(JSON.parse(body)).toEqual({ query: '{ deals { totalCount } }', variables: { a: 1 } });
    expect(headers['x-crm-unsigned-caller']).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
    expect(
      verifyIdentity(headers, secret, { method, subgraph: 'pipeline', body: Buffer.from(body) }, { nonces: new NonceCache() }),
    ).toEqual(identity);
  });

  test.each<[string, InProcessSubgraph]>([
    ['is stopped (refuses the call)', () => Promise.reject(new Error('pipeline is not serving'))],
    ['answers 500', async () => ({ status: 500, headers: {}, body: '{"errors":[{"message":"boom"}]}' })],
    ['never answers (timeout)', () => new Promise(() => undefined)],
  ])('a subgraph in process that %s is SUBGRAPH_UNAVAILABLE naming it', async (_label, target) => {
    await expect(call(URL, undefined, local(target, 300))).rejects.toMatchObject({
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'pipeline' },
    });
  });

  test('a coded 400 from a subgraph in process keeps its code', async () => {
    const target: InProcessSubgraph = async () => ({
      status: 400,
      headers: {},
      body: JSON.stringify({ errors: [{ message: 'Variable "$a" got invalid value', extensions: { code: 'BAD_USER_INPUT' } }] }),
    });
    await expect(call(URL, undefined, local(target))).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  test('a subgraph this process does not serve is called over HTTP', async () => {
    const sg = await subgraph((_req, _b, res) => reply(res, 200, { data: { deals: { totalCount: 2 } } }));
    try {
      expect((await call(sg.url, undefined, local(undefined))).data).toEqual({ deals: { totalCount: 2 } });
    } finally {
      await sg.close();
    }
  });
});
