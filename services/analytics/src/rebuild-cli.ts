// `npm run analytics:rebuild`: rebuild every analytics read model from the beginning while the
// live service goes on (shadow tables, swapped under the apply lock). cli-progress comes from the
// analytics workspace's own dependencies.
//   DATABASE_URL          analytics' database (required)
//   KAFKA_BROKERS         distributed mode: replay the Kafka topics from offset 0
//   REPLAY_DATABASE_URLS  embedded mode: the producers' databases (comma-separated); default the
//                         other subgraphs' databases of subgraphs.json on DATABASE_URL's server
import { SingleBar, Presets } from 'cli-progress';
import { InProcessTransport } from '@crm/events';
import { createLogger, createTransport, env, exitOnConfigError, loadConfig, openDatabase, subgraphManifest } from '@crm/service-kit';
import { z } from 'zod';
import { entities } from './entities';
import { migrations } from './migrations';
import { eventHistoryFor } from './service';
import { rebuildReadModels } from './use-cases/rebuild';

const schema = z.object({
  DATABASE_URL: env.postgresUrl,
  KAFKA_BROKERS: env.brokers.optional(),
  REPLAY_DATABASE_URLS: z.string().optional(),
  LOG_LEVEL: env.logLevel,
});

function producerDatabases(analyticsUrl: string): string[] {
  return subgraphManifest()
    .filter((s) => s.name !== 'analytics')
    .map((s) => {
      const u = new URL(analyticsUrl);
      u.pathname = `/${s.database}`;
      return u.toString();
    });
}

async function run(): Promise<void> {
  let config;
  try {
    config = loadConfig(schema);
  } catch (err) {
    exitOnConfigError(err);
  }
  const logger = createLogger('analytics-rebuild', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const transport = config.KAFKA_BROKERS
    ? createTransport('crm-analytics-rebuild', config.KAFKA_BROKERS, logger)
    : new InProcessTransport();
  if (transport instanceof InProcessTransport) transport.open();
  const replayDatabaseUrls = config.REPLAY_DATABASE_URLS?.split(',').map((u) => u.trim()) ?? producerDatabases(config.DATABASE_URL);
  const history = eventHistoryFor({ transport, replayDatabaseUrls } as Parameters<typeof eventHistoryFor>[0])!;
  const db = await openDatabase({ url: config.DATABASE_URL, entities, migrations, logger });
  const bar = new SingleBar({ format: 'rebuild |{bar}| {value}/{total} events | {eta_formatted} left' }, Presets.shades_classic);
  bar.start(1, 0);
  try {
    const result = await rebuildReadModels({
      db,
      history,
      transport,
      logger,
      onProgress: (done, total) => {
        bar.setTotal(total);
        bar.update(done);
      },
    });
    bar.stop();
    const seconds = (result.finishedAt.getTime() - result.startedAt.getTime()) / 1000;
    process.stdout.write(
      `rebuilt from ${config.KAFKA_BROKERS ? 'the Kafka topics' : "the producers' outboxes"}: ${result.events} events in ${seconds.toFixed(1)} s\n`,
    );
  } finally {
    bar.stop();
    await db.destroy();
    await transport.close();
  }
}

run().catch((err) => {
  process.stderr.write(`analytics rebuild failed: ${(err as Error).message}\n`);
  process.exit(1);
});
