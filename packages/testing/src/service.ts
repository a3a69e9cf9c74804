import { InProcessTransport } from '@crm/events';
import { createLogger, Identity, RunningService, ServiceConfig, signIdentity } from '@crm/service-kit';
import { testDatabase, TestDatabase } from './database';
import { graphqlRequestBody, GraphQLResponse, postGraphQL } from './graphql';

export const TEST_SUBGRAPH_SECRET = 'test-subgraph-secret-0123456789';
/** Database pool per service in tests: several stacks share one Postgres and its max_connections. */
export const TEST_POOL_SIZE = 5;
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';

export interface TestService {
  service: RunningService;
  database: TestDatabase;
  transport: InProcessTransport;
  /** Call the subgraph as the gateway would, signed for `identity`. */
  call<D = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    identity?: Partial<Identity>,
  ): Promise<GraphQLResponse<D>>;
  /** The gateway's headers for POSTing `body` to this subgraph as `identity` (for tests that send their own bytes). */
  sign(
    body: string,
    identity?: Partial<Identity>,
    opts?: { secret?: string; nowMs?: number; subgraph?: string; method?: string },
  ): Record<string, string>;
  stop(): Promise<void>;
}

export const identityFor = (tenantId: string, extra: Partial<Identity> = {}): Identity => ({
  tenantId,
  userId: 'user-1',
  roles: ['admin'],
  ...extra,
});

/** One subgraph on its own fresh database, with the in-process transport; the test calls it directly. */
export async function startTestService(
  name: string,
  create: (config: ServiceConfig) => Promise<RunningService>,
  overrides: Partial<ServiceConfig> = {},
): Promise<TestService> {
  const database = testDatabase(name);
  const transport = new InProcessTransport();
  const service = await create({
    port: 0,
    databaseUrl: database.url,
    subgraphSecret: TEST_SUBGRAPH_SECRET,
    transport,
    logger: createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent'),
    relayPollMs: 200,
    consumerBackoffMs: 10,
    // Test files run side by side against one server (max_connections 100): small pools.
    poolSize: TEST_POOL_SIZE,
    ...overrides,
  });
  transport.open();
  const sign: TestService['sign'] = (body, identity = {}, opts = {}) =>
    signIdentity(
      { ...identityFor('tenant-a'), ...identity },
      opts.secret ?? TEST_SUBGRAPH_SECRET,
      { method: opts.method ?? 'POST', subgraph: opts.subgraph ?? service.name, body },
      opts.nowMs,
    );
  return {
    service,
    database,
    transport,
    sign,
    call: (query, variables = {}, identity = {}) => {
      const body = graphqlRequestBody(query, variables);
      return postGraphQL(service.url, body, sign(body, identity));
    },
    async stop() {
      await service.stop();
      await transport.close();
      await database.drop();
    },
  };
}
