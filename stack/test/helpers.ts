import { randomBytes } from 'node:crypto';
import { createLogger, Role } from '@crm/service-kit';
import { issueUserToken, RateLimitOptions, SUBGRAPHS, SubgraphName } from '@crm/gateway';
import { graphql, GraphQLResponse, testDatabase, TestDatabase, TEST_JWT_SECRET, TEST_POOL_SIZE, TEST_SUBGRAPH_SECRET } from '@crm/testing';
import { RunningStack, startStack } from '../src/stack';

export interface TestStack extends RunningStack {
  /** Prefix of this stack's Kafka topics and groups. */
  namespace: string;
  /** Each subgraph's database (to restart a stopped service on its data). */
  databases: Record<SubgraphName, TestDatabase>;
  /** Query the gateway as a user of `tenant` with `roles`. */
  as(
    tenant: string,
    roles?: Role[],
  ): <D = Record<string, any>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<D>>;
}

/**
 * The whole graph on fresh databases: Kafka (namespaced topics) when asked, else in-process.
 * With Kafka the gateway calls the subgraphs over HTTP, as in the distributed mode; without,
 * in process, as the embedded mode does: the end-to-end tests cover both ways in.
 */
export async function startTestStack(
  opts: { kafka?: boolean; kafkaBrokers?: string; rateLimits?: RateLimitOptions } = {},
): Promise<TestStack> {
  const dbs = Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, testDatabase(`stack_${name}`)])) as Record<SubgraphName, TestDatabase>;
  const brokers = opts.kafkaBrokers ?? (opts.kafka ? process.env.KAFKA_BROKERS : undefined);
  if (opts.kafka && !brokers) throw new Error('KAFKA_BROKERS is not set: the e2e tests need a real broker');
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const stack = await startStack({
    databaseUrlFor: (name) => dbs[name].url,
    kafkaBrokers: brokers,
    kafkaNamespace: namespace,
    jwtSecret: TEST_JWT_SECRET,
    subgraphSecret: TEST_SUBGRAPH_SECRET,
    gatewayPort: 0,
    logger: createLogger('stack', process.env.TEST_LOG_LEVEL ?? 'silent'),
    relayPollMs: 500,
    poolSize: TEST_POOL_SIZE,
    relayMaxBackoffMs: 1000,
    consumerBackoffMs: 20,
    rateLimits: opts.rateLimits,
    subgraphCalls: brokers ? 'http' : 'in-process',
  });
  return {
    ...stack,
    namespace,
    databases: dbs,
    as: (tenant, roles = ['admin']) => {
      const token = issueUserToken({ sub: `user-${tenant}`, tid: tenant, roles }, TEST_JWT_SECRET);
      return async (query, variables = {}) => graphql(stack.gatewayUrl, query, variables, { authorization: `Bearer ${await token}` });
    },
    async stop() {
      await stack.stop();
      await Promise.all(Object.values(dbs).map((d) => d.drop()));
    },
  };
}
