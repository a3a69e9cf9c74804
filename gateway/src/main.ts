import { z } from 'zod';
import { createLogger, env, exitOnConfigError, loadConfig, stopOnSignals } from '@crm/service-kit';
import { startGateway } from './gateway';
import { SUBGRAPHS, SubgraphName } from './compose';

const url = z.url({ protocol: /^https?$/ });
const schema = z.object({
  PORT: env.port.default(4000),
  HOST: z.string().default('0.0.0.0'),
  AUTH_JWT_SECRET: env.secret,
  SUBGRAPH_SECRET: env.secret,
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: env.logLevel,
  LEADS_URL: url.default('http://localhost:4001/graphql'),
  PIPELINE_URL: url.default('http://localhost:4002/graphql'),
  TICKETS_URL: url.default('http://localhost:4003/graphql'),
  CAMPAIGNS_URL: url.default('http://localhost:4004/graphql'),
  ANALYTICS_URL: url.default('http://localhost:4005/graphql'),
});

async function main() {
  let config;
  try {
    config = loadConfig(schema);
  } catch (err) {
    exitOnConfigError(err);
  }
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map((s) => [s.name, config[`${s.name.toUpperCase()}_URL` as keyof typeof config] as string]),
  ) as Record<SubgraphName, string>;
  const gateway = await startGateway({
    port: config.PORT,
    host: config.HOST,
    jwtSecret: config.AUTH_JWT_SECRET,
    subgraphSecret: config.SUBGRAPH_SECRET,
    subgraphUrls,
    production: config.NODE_ENV === 'production',
    logger,
  });
  stopOnSignals(() => gateway.stop(), logger);
}

void main();
