import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, verifyIdentity } from '@crm/service-kit';
import { SignedDataSource } from '../src/data-source';
import { createSubgraphClient } from '../src/subgraph-client';

// In-flight de-duplication in the data source, against a real HTTP server that answers slowly
// (so concurrent calls overlap) and echoes the tenant it verified.
const secret = 'dedupe-test-secret-0123456789abcdef';
const logger = createLogger('test', 'silent');
const sales = (tenantId: string, userId = 'u1') => ({ tenantId, userId, roles: ['sales' as const] });

async function slowSubgraph() {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const identity = verifyIdentity(req.headers, secret, { method: 'POST', subgraph: 'leads', body });
      seen.push(`${identity.tenantId}/${identity.userId}`);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { who: `${identity.tenantId}/${identity.userId}` } }));
      }, 50);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('dedupeInflight through SignedDataSource', () => {
  const client = createSubgraphClient({ timeoutMs: 2000 });
  afterAll(() => client.close());
  const send = (source: SignedDataSource, identity: ReturnType<typeof sales>, query = '{ who }') =>
    source.process({
      kind: 'INCOMING_OPERATION',
      request: { query, variables: {} },
      context: { identity },
      incomingRequestContext: {},
    } as never);

  test('identical concurrent queries of one caller go out once; other tenants, users and mutations go out on their own', async () => {
    const sg = await slowSubgraph();
    try {
      const source = new SignedDataSource({ subgraph: 'leads', url: sg.url, secret, fetcher: client.fetcher, logger, dedupe: true });
      const calls = [
        ...Array.from({ length: 10 }, () => sales('acme')),
        ...Array.from({ length: 10 }, () => sales('globex')),
        sales('acme', 'u2'),
      ].map(async (identity) => ({ identity, res: await send(source, identity) }));
      for (const { identity, res } of await Promise.all(calls))
        expect(res.data).toEqual({ who: `${identity.tenantId}/${identity.userId}` });
      expect([...sg.seen].sort()).toEqual(['acme/u1', 'acme/u2', 'globex/u1']);

      sg.seen.length = 0;
      await Promise.all([send(source, sales('acme'), 'mutation { who }'), send(source, sales('acme'), 'mutation { who }')]);
      expect(sg.seen).toEqual(['acme/u1', 'acme/u1']);

      sg.seen.length = 0; // nothing is cached once the call has answered
      await send(source, sales('acme'));
      await send(source, sales('acme'));
      expect(sg.seen).toEqual(['acme/u1', 'acme/u1']);
    } finally {
      await sg.close();
    }
  });
});
