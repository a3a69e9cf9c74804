import { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { openDatabase, observeQuery, startGraphQLHttpServer, Logger } from '@crm/service-kit';
import { testDatabase } from '@crm/testing';

// Statements per request are read off /metrics (the gateway bench): every statement counts,
// except the ones a scrape itself sends to read its gauges (observeQuery).
test('crm_sql_statements_total counts the work, not the scrape reading its gauges', async () => {
  const database = testDatabase('kit_sql_count');
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
    name: 'count-demo',
    apollo,
    port: 0,
    logger: pino({ level: 'silent' }) as Logger,
    ready: async () => true,
    authenticate: async () => ({ tenant: 't' }),
  });
  const name = database.url.split('/').pop();
  const count = async () => {
    await observeQuery(db, 'SELECT count(*) FROM pg_class'); // as a gauge would, while scraping
    const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    const line = text.split('\n').find((l) => l.startsWith(`crm_sql_statements_total{database="${name}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  try {
    const before = await count();
    expect(await count()).toBe(before);
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ twice }' }),
    });
    expect(await res.json()).toEqual({ data: { twice: 2 } });
    expect(await count()).toBe(before + 2);
    await db.query('SELECT 3');
    expect(await count()).toBe(before + 3);
  } finally {
    await server.stop();
    await db.destroy();
    await database.drop();
  }
});
