import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createLogger, exitOnConfigError, loadConfig, env, startTelemetry } from '@crm/service-kit';
import { issueUserToken, SubgraphName } from '@crm/gateway';
import { z } from 'zod';
import { startStack } from './stack';
import { EmbeddedPostgresUnavailable } from './postgres-access';
import { DATA_DIR, databaseUrlOn, SIGNALS, startEmbeddedPostgres } from './embedded-postgres';
import { seedDemoIfEmpty, withSeedStack } from './seed/demo';

/**
 * `npm start`: the whole graph in one Node process on http://localhost:4000/graphql, backed by
 * an embedded real PostgreSQL whose data lives in .crm-data/ (or DATABASE_URL's server).
 * `npm start -- --demo` first seeds the tenant "demo" (stack/src/seed) when it has no contacts.
 */

const schema = z.object({
  PORT: env.port.default(4000),
  DATABASE_URL: env.postgresUrl.optional(),
  EMBEDDED_PG_PORT: env.port.default(54320),
  KAFKA_BROKERS: env.brokers.optional(),
  AUTH_JWT_SECRET: env.secret.optional(),
  SUBGRAPH_SECRET: env.secret.optional(),
  LOG_LEVEL: env.logLevel,
  /** `http`: the gateway calls the subgraphs over loopback HTTP instead of in process (comparing, debugging). */
  SUBGRAPH_CALLS: z.enum(['in-process', 'http']).default('in-process'),
});

/** Secrets survive restarts so a printed token keeps working; env variables win. */
function secrets(config: z.infer<typeof schema>) {
  const file = path.join(DATA_DIR, 'secrets.json');
  const saved = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const jwt = config.AUTH_JWT_SECRET ?? saved.jwt ?? randomBytes(32).toString('hex');
  const subgraph = config.SUBGRAPH_SECRET ?? saved.subgraph ?? randomBytes(32).toString('hex');
  writeFileSync(file, JSON.stringify({ jwt: saved.jwt ?? jwt, subgraph: saved.subgraph ?? subgraph }), { mode: 0o600 });
  return { jwt, subgraph };
}

const DEMO_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

async function main() {
  const telemetry = startTelemetry('crm'); // OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else off
  let config: z.infer<typeof schema>;
  try {
    config = loadConfig(schema);
  } catch (err) {
    exitOnConfigError(err);
  }
  const logger = createLogger('crm', config.LOG_LEVEL);
  mkdirSync(DATA_DIR, { recursive: true });
  const { jwt, subgraph } = secrets(config);
  const started = Date.now();

  let stopPostgres = async () => undefined as void;
  let serverUrl = config.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres(config.EMBEDDED_PG_PORT, (m) => logger.info(m));
    stopPostgres = () => embedded.pg.stop();
    serverUrl = embedded.url;
  }
  const databaseUrlFor = (name: SubgraphName) => databaseUrlOn(serverUrl!, name);

  if (process.argv.includes('--demo')) {
    // `--contacts N` after --demo: a smaller (or larger) demo tenant than the default 10,000.
    const at = process.argv.indexOf('--contacts');
    const contacts =
      at > 0 && Number.isInteger(Number(process.argv[at + 1])) && Number(process.argv[at + 1]) > 0
        ? Number(process.argv[at + 1])
        : undefined;
    try {
      await withSeedStack(serverUrl, logger, (seeding) =>
        seedDemoIfEmpty(seeding, 'demo', (m) => process.stdout.write(m + '\n'), contacts),
      );
    } catch (err) {
      logger.error({ err }, 'demo seed failed');
    }
  }
  let stack;
  try {
    stack = await startStack({
      databaseUrlFor,
      kafkaBrokers: config.KAFKA_BROKERS,
      jwtSecret: jwt,
      subgraphSecret: subgraph,
      gatewayPort: config.PORT,
      host: '127.0.0.1',
      logger,
      // The printed demo token lives 30 days; only this local mode accepts such a lifetime.
      tokenPolicy: { maxTtlSeconds: DEMO_TOKEN_TTL_SECONDS },
      // Without Kafka the outboxes are the event history analytics rebuilds from: keep it.
      outboxRetentionMs: config.KAFKA_BROKERS ? undefined : null,
      subgraphCalls: config.SUBGRAPH_CALLS,
    });
  } catch (err) {
    logger.error({ err }, 'start failed');
    await stopPostgres();
    process.exit(1);
  }
  const token = await issueUserToken({ sub: 'demo-admin', tid: 'demo', roles: ['admin'] }, jwt, DEMO_TOKEN_TTL_SECONDS + 's');
  const url = `http://localhost:${config.PORT}/graphql`;
  process.stdout.write(
    `\nLifecycle CRM graph ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${url}\n` +
      `Admin token for tenant "demo" (30 days):\n\n${token}\n\n` +
      `Try:  curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\\n` +
      `        -d '{"query":"{ contacts(first: 5) { totalCount edges { node { email lifecycleStage } } } }"}'\n\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await stack!.stop().catch((err) => logger.error({ err }, 'stack stop failed'));
    await stopPostgres().catch((err) => logger.error({ err }, 'postgres stop failed'));
    await telemetry.shutdown().catch(() => undefined);
    process.exit(0);
  };
  for (const s of SIGNALS) process.on(s, () => void stop(s));
}

main().catch((err) => {
  // Everything that can go wrong before the graph runs is said in one line, never a stack trace.
  process.stderr.write(
    `npm start failed: ${err instanceof EmbeddedPostgresUnavailable ? err.message : ((err as Error)?.message ?? err)}\n`,
  );
  process.exit(1);
});
