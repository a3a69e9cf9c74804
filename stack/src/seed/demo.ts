import { randomBytes } from 'node:crypto';
import { SingleBar } from 'cli-progress';
import type { Logger } from '@crm/service-kit';
import { startStack, type RunningStack } from '../stack';
import { databaseUrlOn } from '../embedded-postgres';
import { planSeed } from './plan';
import { formatSummary, runSeed, type SeedProgress, type SeedSummary } from './run';

export const DEFAULT_CONTACTS = 10_000;
export const DEFAULT_MONTHS = 18;
export const DEFAULT_SEED = 42;
const SEED_RELAY_LINGER_MS = Number(process.env.SEED_RELAY_LINGER_MS ?? 100);

/** A cli-progress bar on stderr (silent when stderr is not a terminal, as cli-progress does). */
export function progressBar(): SeedProgress {
  const bar = new SingleBar({ format: 'seeding [{bar}] {percentage}% | {phase}', stream: process.stderr, hideCursor: true });
  let started = false;
  return {
    start(total) {
      bar.start(total, 0, { phase: 'starting' });
      started = true;
    },
    advance(n, phase) {
      if (started) bar.increment(n, { phase });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export interface SeedRequest {
  tenantId: string;
  contacts?: number;
  months?: number;
  seed?: number;
  /** The story ends here (default: this hour). */
  end?: Date;
}

/** Plans and plays the demo story for one tenant. */
export function seedTenant(stack: RunningStack, req: SeedRequest, progress?: SeedProgress): Promise<SeedSummary> {
  const end = req.end ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const plan = planSeed({
    contacts: req.contacts ?? DEFAULT_CONTACTS,
    months: req.months ?? DEFAULT_MONTHS,
    seed: req.seed ?? DEFAULT_SEED,
    end,
  });
  return runSeed(stack, req.tenantId, plan, progress);
}

/** `npm start -- --demo`: seeds `tenantId` unless it already has contacts. */
export async function seedDemoIfEmpty(
  stack: RunningStack,
  tenantId: string,
  say: (m: string) => void,
  contacts = DEFAULT_CONTACTS,
): Promise<SeedSummary | null> {
  const [{ n }] = await stack.services.leads.db.query('SELECT count(*)::int AS n FROM contacts WHERE tenant_id = $1', [tenantId]);
  if (n > 0) {
    say(`Tenant "${tenantId}" already has ${n} contacts: not seeded again.`);
    return null;
  }
  say(`Seeding the demo tenant "${tenantId}" (${contacts} contacts over ${DEFAULT_MONTHS} months)...`);
  const summary = await seedTenant(stack, { tenantId, contacts }, progressBar());
  say(formatSummary(summary));
  return summary;
}

/**
 * The whole graph on `serverUrl`'s databases for seeding only: in-process events, no fixed port,
 * asynchronous commits (see databaseUrlOn); stopped once `work` is done.
 */
export async function withSeedStack<T>(serverUrl: string, logger: Logger, work: (stack: RunningStack) => Promise<T>): Promise<T> {
  const stack = await startStack({
    databaseUrlFor: (name) => databaseUrlOn(serverUrl, name, { asyncCommit: true }),
    jwtSecret: randomBytes(32).toString('hex'),
    subgraphSecret: randomBytes(32).toString('hex'),
    gatewayPort: 0,
    host: '127.0.0.1',
    logger,
    outboxRetentionMs: null, // as npm start without Kafka: the outboxes are the event history
    // Tens of thousands of small commits: gathered into larger deliveries, the consumers apply
    // them in far fewer transactions (a bulk load trades latency for throughput).
    relayLingerMs: SEED_RELAY_LINGER_MS,
    relayBatchSize: 2_000,
  });
  try {
    return await work(stack);
  } finally {
    await stack.stop();
  }
}
