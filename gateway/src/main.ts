import { z } from 'zod';
import { createLogger, env, exitOnConfigError, loadConfig, requireStrongSecrets, stopOnSignals } from '@crm/service-kit';
import { startGateway } from './gateway';
import { SUBGRAPHS, SubgraphName, urlVariable } from './compose';

const url = z.url({ protocol: /^https?$/ });
const schema = z.object({
  PORT: env.port.default(4000),
  HOST: z.string().default('0.0.0.0'),
  AUTH_JWT_SECRET: env.secret,
  SUBGRAPH_SECRET: env.secret,
  // Longest accepted token lifetime (exp - iat) in seconds; optional iss / aud checks.
  AUTH_JWT_MAX_TTL: z.coerce.number().int().min(60).max(366 * 24 * 3600).default(24 * 3600),
  AUTH_JWT_ISSUER: z.string().optional(),
  AUTH_JWT_AUDIENCE: z.string().optional(),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: env.logLevel,
  // <NAME>_URL per subgraph of the manifest, defaulting to its port on this host.
  ...Object.fromEntries(SUBGRAPHS.map((s) => [urlVariable(s.name), url.default(`http://localhost:${s.port}/graphql`)])),
});

async function main() {
  let config;
  try {
    config = loadConfig(schema);
    requireStrongSecrets(config, ['AUTH_JWT_SECRET', 'SUBGRAPH_SECRET']);
  } catch (err) {
    exitOnConfigError(err);
  }
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map((s) => [s.name, (config as Record<string, unknown>)[urlVariable(s.name)] as string]),
  ) as Record<SubgraphName, string>;
  try {
    const gateway = await startGateway({
      port: config.PORT,
      host: config.HOST,
      jwtSecret: config.AUTH_JWT_SECRET,
      tokenPolicy: { maxTtlSeconds: config.AUTH_JWT_MAX_TTL, issuer: config.AUTH_JWT_ISSUER, audience: config.AUTH_JWT_AUDIENCE },
      subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      subgraphSecret: config.SUBGRAPH_SECRET,
      subgraphUrls,
      production: config.NODE_ENV === 'production',
      logger,
    });
    stopOnSignals(() => gateway.stop(), logger);
  } catch (err) {
    // A port in use or an unreadable supergraph: one line and a non-zero exit, as the services do.
    process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
