import { createLogger, exitOnConfigError, loadConfig, requireStrongSecrets, startTelemetry, stopOnSignals } from '@crm/service-kit';
import { startGateway } from './gateway';
import { SUBGRAPHS, SubgraphName, urlVariable } from './compose';
import { gatewayEnvSchema } from './config';

async function main() {
  const telemetry = startTelemetry('gateway');
  let config;
  try {
    config = loadConfig(gatewayEnvSchema);
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
      dedupeSubgraphRequests: config.SUBGRAPH_DEDUPE === 'on',
      subgraphSecret: config.SUBGRAPH_SECRET,
      subgraphUrls,
      rateLimits: { redisUrl: config.REDIS_URL || undefined, userPerMinute: config.RATE_LIMIT_USER_PER_MINUTE },
      production: config.NODE_ENV === 'production',
      logger,
    });
    stopOnSignals(async () => {
      await gateway.stop();
      await telemetry.shutdown();
    }, logger);
  } catch (err) {
    // A port in use or an unreadable supergraph: one line and a non-zero exit, as the services do.
    process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
