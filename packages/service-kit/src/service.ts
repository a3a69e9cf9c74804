import type { DataSource } from 'typeorm';
import { EventConsumer, EventSource, EventTransport, InProcessTransport, KafkaTransport, OutboxRelay } from '@crm/events';
import { databaseReachable, openDatabase, tenantProvisioning, TenantProvisioner } from './database';
import type { Identity } from './identity';
import { createLogger, Logger } from './logger';
import { Resolvers, startSubgraph } from './subgraph';
import type { RunningHttpServer } from './http-server';
import { exitOnConfigError, loadConfig, requireStrongSecrets, serviceEnvSchema } from './config';
import { stopOnSignals } from './shutdown';
import { registerServiceMetrics } from './metrics';
import { startTelemetry } from './telemetry';

type Constructor = new (...args: never[]) => unknown;

/** What every resolver receives: the verified caller, already scoped to its tenant. */
export interface RequestContext {
  identity: Identity;
  tenantId: string;
  userId: string;
  db: DataSource;
  logger: Logger;
}

export interface ScheduledJob {
  name: string;
  everyMs: number;
  run(db: DataSource, logger: Logger): Promise<void>;
}

/** A service declares its parts; startService wires database, events, jobs and the subgraph. */
export interface ServiceDefinition<C extends RequestContext = RequestContext> {
  name: EventSource;
  schemaFile: string;
  entities: Constructor[];
  migrations: Constructor[];
  resolvers: Resolvers<C>;
  provisionTenant?: TenantProvisioner;
  /** Extend the base context (dataloaders, settings) per request. */
  context?(base: RequestContext): C | Promise<C>;
  /** Register handlers for the events this service consumes (events.ts). */
  handlers?(consumer: EventConsumer, db: DataSource): void;
  jobs?: ScheduledJob[];
  /** Root fields whose request bodies may pass the 1 MB cap, up to 16 MB (a CSV in a variable). */
  largeBodyFields?: string[];
}

export interface ServiceConfig {
  port: number;
  /** Default 127.0.0.1: only what runs beside us reaches a subgraph unless told otherwise. */
  host?: string;
  /** NODE_ENV=production: introspection off, as at the gateway. */
  production?: boolean;
  databaseUrl: string;
  /** Database pool size (default 10). Tests run several stacks against one server: they use fewer. */
  poolSize?: number;
  subgraphSecret: string;
  transport: EventTransport;
  logger?: Logger;
  /** Close the transport on stop (default: when it is Kafka, which each service owns). */
  closeTransport?: boolean;
  relayPollMs?: number;
  /** How long the relay lets rows gather after a NOTIFY before it publishes them (default 0). */
  relayLingerMs?: number;
  /** Rows per relay batch (default 500). */
  relayBatchSize?: number;
  /** Cap of the relay's backoff while the broker is unreachable (default 30 s). */
  relayMaxBackoffMs?: number;
  consumerMaxAttempts?: number;
  consumerBackoffMs?: number;
  /** How long the relay keeps sent outbox rows (null: forever, the event history of the embedded mode). */
  outboxRetentionMs?: number | null;
  /**
   * Producers' databases whose outbox history an event-sourced service (analytics) may replay
   * to rebuild its read models in the embedded mode (Kafka topics serve in the distributed mode).
   */
  replayDatabaseUrls?: string[];
}

export interface RunningService {
  name: string;
  url: string;
  port: number;
  /** Its /graphql, called in this process (RunningHttpServer.inject): the embedded gateway's way in. */
  inject: RunningHttpServer['inject'];
  db: DataSource;
  consumer: EventConsumer;
  relay: OutboxRelay;
  ensureTenant(tenantId: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startService<C extends RequestContext>(def: ServiceDefinition<C>, config: ServiceConfig): Promise<RunningService> {
  const logger = config.logger ?? createLogger(def.name);
  const db = await openDatabase({
    url: config.databaseUrl,
    entities: def.entities,
    migrations: def.migrations,
    logger,
    poolSize: config.poolSize,
  });
  const ensureTenant = tenantProvisioning(db, def.provisionTenant ?? (async () => undefined));
  const consumer = new EventConsumer({
    name: def.name,
    dataSource: db,
    transport: config.transport,
    logger,
    maxAttempts: config.consumerMaxAttempts,
    baseBackoffMs: config.consumerBackoffMs,
  });
  def.handlers?.(consumer, db);
  const relay = new OutboxRelay({
    databaseUrl: config.databaseUrl,
    transport: config.transport,
    logger,
    pollMs: config.relayPollMs,
    lingerMs: config.relayLingerMs,
    batchSize: config.relayBatchSize,
    maxBackoffMs: config.relayMaxBackoffMs,
    retentionMs: config.outboxRetentionMs,
  });
  const timers: NodeJS.Timeout[] = [];
  let server: Awaited<ReturnType<typeof startSubgraph<C>>> | undefined;
  try {
    await consumer.start();
    await relay.start();
    for (const job of def.jobs ?? []) {
      const timer = setInterval(() => {
        job.run(db, logger).catch((err) => logger.error({ err, job: job.name }, 'scheduled job failed'));
      }, job.everyMs);
      timer.unref();
      timers.push(timer);
    }
    server = await startSubgraph<C>({
      name: def.name,
      schemaFile: def.schemaFile,
      resolvers: def.resolvers,
      port: config.port,
      host: config.host,
      secret: config.subgraphSecret,
      logger,
      production: config.production,
      largeBodyFields: def.largeBodyFields,
      ready: () => databaseReachable(db),
      async context(identity) {
        await ensureTenant(identity.tenantId);
        const base: RequestContext = { identity, tenantId: identity.tenantId, userId: identity.userId, db, logger };
        return def.context ? def.context(base) : (base as C);
      },
    });
  } catch (err) {
    await relay.stop().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    throw err;
  }
  const running = server;
  registerServiceMetrics(running.metrics, { service: def.name, db, consumer, transport: config.transport, logger });
  let stopping: Promise<void> | undefined;
  return {
    name: def.name,
    url: running.url,
    port: running.port,
    inject: (request) => running.inject(request),
    db,
    consumer,
    relay,
    ensureTenant,
    stop() {
      stopping ??= (async () => {
        timers.forEach(clearInterval);
        await running.stop();
        await relay.stop();
        if (config.closeTransport ?? config.transport.kind === 'kafka') await config.transport.close();
        await db.destroy();
      })();
      return stopping;
    },
  };
}

/** Kafka when KAFKA_BROKERS is set (every real deployment), otherwise in-process. */
export function createTransport(clientId: string, brokers: string | undefined, logger: Logger): EventTransport {
  if (brokers) return new KafkaTransport({ clientId, brokers: brokers.split(',').map((b) => b.trim()), logger });
  const bus = new InProcessTransport();
  bus.open();
  return bus;
}

/** The whole of a service's main.ts: read env, start, stop cleanly on a signal. */
export async function runServiceMain(name: EventSource, create: (config: ServiceConfig) => Promise<RunningService>): Promise<void> {
  const telemetry = startTelemetry(name); // before the database driver loads: its statements are traced
  let env;
  try {
    env = loadConfig(serviceEnvSchema);
    requireStrongSecrets(env, ['SUBGRAPH_SECRET']);
  } catch (err) {
    exitOnConfigError(err);
  }
  const logger = createLogger(name, env.LOG_LEVEL);
  try {
    const service = await create({
      port: env.PORT,
      // Loopback unless HOST says otherwise (docker-compose sets 0.0.0.0 inside its network).
      host: process.env.HOST || '127.0.0.1',
      production: env.NODE_ENV === 'production',
      databaseUrl: env.DATABASE_URL,
      poolSize: env.DB_POOL_SIZE,
      subgraphSecret: env.SUBGRAPH_SECRET,
      transport: createTransport(`crm-${name}`, env.KAFKA_BROKERS, logger),
      logger,
    });
    stopOnSignals(async () => {
      await service.stop();
      await telemetry.shutdown(); // flush the last spans
    }, logger);
  } catch (err) {
    // Database or broker unreachable at start: say so and exit non-zero (the supervisor restarts us).
    logger.fatal({ err }, `${name} failed to start`);
    process.exit(1);
  }
}
