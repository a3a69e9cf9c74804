// `npm run seed -- --contacts 10000 --tenant demo [--months 18] [--seed 42]`: a believable tenant
// through the real use cases, on DATABASE_URL's server or the embedded PostgreSQL of npm start.
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger, env, exitOnConfigError, loadConfig } from '@crm/service-kit';
import { z } from 'zod';
import { DATA_DIR, startEmbeddedPostgres } from '../embedded-postgres';
import { EmbeddedPostgresUnavailable } from '../postgres-access';
import { DEFAULT_CONTACTS, DEFAULT_MONTHS, DEFAULT_SEED, progressBar, seedTenant, withSeedStack } from './demo';
import { formatSummary } from './run';

const schema = z.object({
  DATABASE_URL: env.postgresUrl.optional(),
  EMBEDDED_PG_PORT: env.port.default(54320),
  LOG_LEVEL: env.logLevel,
});

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

function args() {
  const { values } = parseArgs({
    options: { contacts: { type: 'string' }, tenant: { type: 'string' }, months: { type: 'string' }, seed: { type: 'string' } },
  });
  const tenantId = values.tenant ?? 'demo';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(tenantId)) throw new Error('--tenant must be 1 to 64 letters, digits, _ or -');
  return {
    tenantId,
    contacts: positiveInt('contacts', values.contacts, DEFAULT_CONTACTS),
    months: positiveInt('months', values.months, DEFAULT_MONTHS),
    seed: positiveInt('seed', values.seed, DEFAULT_SEED),
  };
}

async function main() {
  let config: z.infer<typeof schema>;
  try {
    config = loadConfig(schema);
  } catch (err) {
    exitOnConfigError(err);
  }
  const request = args();
  const logger = createLogger('seed', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  let serverUrl = config.DATABASE_URL;
  let stopPostgres = async () => undefined as void;
  if (!serverUrl) {
    mkdirSync(DATA_DIR, { recursive: true });
    const embedded = await startEmbeddedPostgres(config.EMBEDDED_PG_PORT, (m) => process.stderr.write(m + '\n'));
    stopPostgres = () => embedded.pg.stop();
    serverUrl = embedded.url;
  }
  try {
    const summary = await withSeedStack(serverUrl, logger, (stack) => seedTenant(stack, request, progressBar()));
    process.stdout.write(formatSummary(summary) + '\n');
  } finally {
    await stopPostgres();
  }
}

main().catch((err) => {
  process.stderr.write(`seed failed: ${err instanceof EmbeddedPostgresUnavailable ? err.message : ((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
