import { Writable } from 'node:stream';
import pino from 'pino';
import { ApolloServer } from '@apollo/server';
import { startGraphQLHttpServer, Logger } from '../src';

// Every line a resolver logs through context.logger names its request, tenant and operation.
test('a request-scoped child logger with request id, tenant and operation; the id is echoed', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(
        ...String(chunk)
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      );
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink) as Logger;
  type Ctx = { identity: { tenantId: string }; logger?: Logger };
  const apollo = new ApolloServer<Ctx>({
    typeDefs: 'type Query { hello: String }',
    resolvers: { Query: { hello: (_p: unknown, _a: unknown, ctx: Ctx) => (ctx.logger!.info('said hello'), 'hi') } },
  });
  const server = await startGraphQLHttpServer<Ctx>({
    name: 'demo',
    apollo,
    port: 0,
    logger,
    ready: async () => true,
    authenticate: async () => ({ identity: { tenantId: 'tenant-log' } }),
  });
  try {
    const post = (headers: Record<string, string>) =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: 'query Greet { hello }' }),
      });
    const given = await post({ 'x-request-id': 'req-42' });
    expect(await given.json()).toEqual({ data: { hello: 'hi' } });
    expect(given.headers.get('x-request-id')).toBe('req-42');
    const minted = await post({ 'x-request-id': 'bad id with spaces' });
    const mintedId = minted.headers.get('x-request-id');
    expect(mintedId).toMatch(/^[0-9a-f-]{36}$/);

    const said = lines.filter((l) => l.msg === 'said hello');
    expect(said).toEqual([
      expect.objectContaining({ requestId: 'req-42', tenantId: 'tenant-log', operation: 'Greet' }),
      expect.objectContaining({ requestId: mintedId, tenantId: 'tenant-log', operation: 'Greet' }),
    ]);
    const metrics = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('crm_graphql_requests_total{service="demo",operation="Greet",outcome="success"} 2');
  } finally {
    await server.stop();
  }
});
