import { EventTransport, InProcessTransport, KafkaTransport } from '@crm/events';
import { createLogger, Logger, RunningService, ServiceConfig } from '@crm/service-kit';
import { RateLimitOptions, startGateway, SUBGRAPHS, SubgraphName, TokenPolicy } from '@crm/gateway';

type CreateService = (c: ServiceConfig) => Promise<RunningService>;

/**
 * The composition root: the one place that loads every service. Each subgraph of the manifest
 * (subgraphs.json) is the workspace `@crm/<name>` exporting `createService`, so a new subgraph
 * needs no line here.
 */
function serviceFactory(name: SubgraphName): CreateService {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`@crm/${name}`) as { createService?: CreateService };
  if (typeof mod.createService !== 'function') throw new Error(`@crm/${name} does not export createService`);
  return mod.createService;
}

export interface StackOptions {
  databaseUrlFor(service: SubgraphName): string;
  /** Kafka brokers, or undefined for the in-process transport (embedded mode). */
  kafkaBrokers?: string;
  /** Topic/group prefix so several stacks can share one broker (tests). */
  kafkaNamespace?: string;
  jwtSecret: string;
  /** Token rules of the gateway (embedded mode allows its 30-day demo token). */
  tokenPolicy?: TokenPolicy;
  subgraphTimeoutMs?: number;
  subgraphSecret: string;
  /** 0 = any free port. Subgraphs take gatewayPort+1..+5 when it is fixed, else any free port. */
  gatewayPort: number;
  host?: string;
  logger?: Logger;
  production?: boolean;
  consumerMaxAttempts?: number;
  consumerBackoffMs?: number;
  relayPollMs?: number;
  /** See ServiceConfig: the seed lets each relay gather rows into larger deliveries. */
  relayLingerMs?: number;
  relayBatchSize?: number;
  /** Database pool per service (default 10). */
  poolSize?: number;
  relayMaxBackoffMs?: number;
  /** How long relays keep sent outbox rows (null: forever; the embedded mode's replayable event history). */
  outboxRetentionMs?: number | null;
  /** The gateway's rate limits (Redis-shared when redisUrl is set). */
  rateLimits?: RateLimitOptions;
  /**
   * How the gateway calls the subgraphs of this process: handed over in process (default: every
   * check runs, no loopback HTTP), or over HTTP on their ports, as separate processes are.
   */
  subgraphCalls?: SubgraphCalls;
}

export type SubgraphCalls = 'in-process' | 'http';

export interface RunningStack {
  gatewayUrl: string;
  services: Record<SubgraphName, RunningService>;
  transports: EventTransport[];
  stop(): Promise<void>;
}

/**
 * The whole graph: five subgraphs and the gateway in this process, each subgraph on its own
 * database and HTTP port, wired by Kafka (one client per service, as in separate processes)
 * or by the in-process transport. The gateway calls them in process unless `subgraphCalls` is 'http'.
 */
export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const log = opts.logger ?? createLogger('crm');
  const bus = opts.kafkaBrokers ? undefined : new InProcessTransport();
  const transports: EventTransport[] = bus ? [bus] : [];
  const services = {} as Record<SubgraphName, RunningService>;
  const stopAll = async () => {
    for (const s of Object.values(services).reverse()) await s.stop();
    if (bus) await bus.close();
  };
  try {
    for (const [i, { name }] of SUBGRAPHS.entries()) {
      const logger = log.child({ service: name });
      const transport =
        bus ??
        new KafkaTransport({
          clientId: `crm-${name}`,
          brokers: opts.kafkaBrokers!.split(','),
          logger,
          namespace: opts.kafkaNamespace,
        });
      if (!bus) transports.push(transport);
      services[name] = await serviceFactory(name)({
        port: opts.gatewayPort ? opts.gatewayPort + i + 1 : 0,
        host: opts.host,
        production: opts.production,
        databaseUrl: opts.databaseUrlFor(name),
        subgraphSecret: opts.subgraphSecret,
        transport,
        closeTransport: !bus,
        logger,
        consumerMaxAttempts: opts.consumerMaxAttempts,
        consumerBackoffMs: opts.consumerBackoffMs,
        relayPollMs: opts.relayPollMs,
        relayLingerMs: opts.relayLingerMs,
        relayBatchSize: opts.relayBatchSize,
        poolSize: opts.poolSize,
        relayMaxBackoffMs: opts.relayMaxBackoffMs,
        outboxRetentionMs: opts.outboxRetentionMs,
        // The producers' outboxes: what analytics replays to rebuild when there is no Kafka.
        replayDatabaseUrls: SUBGRAPHS.filter((s) => s.name !== name).map((s) => opts.databaseUrlFor(s.name)),
      });
    }
    // Every consumer is subscribed: in-process deliveries may begin (nothing waiting is lost).
    bus?.open();
    const gateway = await startGateway({
      port: opts.gatewayPort,
      host: opts.host,
      jwtSecret: opts.jwtSecret,
      tokenPolicy: opts.tokenPolicy,
      subgraphTimeoutMs: opts.subgraphTimeoutMs,
      subgraphSecret: opts.subgraphSecret,
      subgraphUrls: Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, services[name].url])) as Record<SubgraphName, string>,
      production: opts.production,
      rateLimits: opts.rateLimits,
      // Looked up per call: a service replaced in `services` (stopped and started again) is found.
      inProcessSubgraph: (opts.subgraphCalls ?? 'in-process') === 'in-process' ? (name) => services[name]?.inject : undefined,
      logger: log.child({ service: 'gateway' }),
    });
    return {
      gatewayUrl: gateway.url,
      services,
      transports,
      async stop() {
        await gateway.stop();
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
