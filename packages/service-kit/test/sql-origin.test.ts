import { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { openDatabase, startGraphQLHttpServer, Logger } from '@crm/service-kit';
import { testDatabase } from '@crm/testing';

// Statements per request are read off /metrics: a statement sent serving a GraphQL request counts
// as origin "request", one sent outside any request (a relay's poll, a job) as "background".
test('SQL statements are counted by origin: request or background', async () => {
  const database = testDatabase('kit_sql_origin');
  const db = await openDatabase({ url: database.url, entities: [], migrations: [], poolSize: 2 });
  const apollo = new ApolloServer<{ tenant: string }>({
    typeDefs: 'type Query { twice: Int }',
    resolvers: {
      Query: {
        twice: async () => {
          await db.query('SELECT 1');
          const [{ n }] = await db.query('SELECT $1::int AS n', [2]);
          return n;
        },
      },
    },
  });
  const server = await startGraphQLHttpServer({
    name: 'origin-demo',
    apollo,
    port: 0,
    logger: pino({ level: 'silent' }) as Logger,
    ready: async () => true,
    authenticate: async () => ({ tenant: 't' }),
  });
  const name = database.url.split('/').pop();
  const count = async (origin: string) => {
    const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    const line = text.split('\n').find((l) => l.startsWith(`crm_sql_statements_total{database="${name}",origin="${origin}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  try {
    const before = { request: await count('request'), background: await count('background') };
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ twice }' }),
    });
    expect(await res.json()).toEqual({ data: { twice: 2 } });
    await db.query('SELECT 3'); // outside any request
    expect(await count('request')).toBe(before.request + 2);
    expect(await count('background')).toBe(before.background + 1);
  } finally {
    await server.stop();
    await db.destroy();
    await database.drop();
  }
});
