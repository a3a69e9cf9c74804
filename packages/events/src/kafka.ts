import { Admin, Consumer, Kafka, logLevel, LogEntry, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { dlqTopicOf, SOURCES, topicOf } from './catalog';
import type { BatchHandler, EventTransport, TransportMessage } from './transport';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Partitions for topics this transport creates (messages keyed by aggregate keep their order). */
  partitions?: number;
  /** Fail a publish after this long so the relay can back off (the broker may be down). */
  publishTimeoutMs?: number;
  /**
   * Prefix for topic and group names, so several isolated stacks can share one broker (tests).
   * Services still speak in catalog topics; only the names on the broker change.
   */
  namespace?: string;
}

/** Every topic of the catalog and its dead-letter twin. */
export const ALL_TOPICS = SOURCES.filter((s) => s !== 'analytics').flatMap((s) => [topicOf(s), dlqTopicOf(topicOf(s))]);

function pinoLogCreator(logger: Logger) {
  return () => ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    if (level === logLevel.ERROR) logger.warn(extra, `kafka: ${message}`);
    else if (level === logLevel.WARN) logger.info(extra, `kafka: ${message}`);
    else logger.debug(extra, `kafka: ${message}`);
  };
}

export class KafkaTransport implements EventTransport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Producer;
  private consumers: Consumer[] = [];
  private topicsReady?: Promise<void>;
  private readonly prefix: string;

  constructor(private readonly opts: KafkaTransportOptions) {
    this.prefix = opts.namespace ? `${opts.namespace}.` : '';
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
      logCreator: pinoLogCreator(opts.logger),
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  }

  /** Create the catalog's topics (and DLQs) once, with the chosen partition count. */
  ensureTopics(): Promise<void> {
    this.topicsReady ??= (async () => {
      const admin: Admin = this.kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const missing = ALL_TOPICS.map((t) => this.prefix + t).filter((t) => !existing.has(t));
        if (missing.length) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({ topic, numPartitions: this.opts.partitions ?? 3, replicationFactor: 1 })),
          });
        }
      } finally {
        await admin.disconnect();
      }
    })().catch((err) => {
      this.topicsReady = undefined;
      throw err;
    });
    return this.topicsReady;
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      // Idempotent with one request in flight: retries cannot duplicate or reorder a partition.
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  async publish(messages: TransportMessage[]): Promise<void> {
    try {
      await this.ensureTopics();
      const producer = await this.connectedProducer();
      const byTopic = new Map<string, TransportMessage[]>();
      for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      await producer.sendBatch({
        acks: -1,
        timeout: this.opts.publishTimeoutMs ?? 10_000,
        topicMessages: [...byTopic].map(([topic, ms]) => ({
          topic: this.prefix + topic,
          messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })),
      });
    } catch (err) {
      // A broken producer is rebuilt on the next attempt (kafkajs does not always recover).
      const producer = this.producer;
      this.producer = undefined;
      await producer?.disconnect().catch(() => undefined);
      throw err;
    }
  }

  async subscribe(group: string, topics: string[], handler: BatchHandler): Promise<void> {
    await this.ensureTopics();
    // A 10 s session (not kafkajs' 30 s): after a broker restart the group waits out the old
    // member's session before it rebalances, and that wait is the consumers' downtime.
    const consumer = this.kafka.consumer({
      groupId: this.prefix + group,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => this.prefix + t), fromBeginning: true });
    await consumer.run({
      // Partitions in parallel (order holds within each: one aggregate's events share a partition).
      partitionsConsumedConcurrently: this.opts.partitions ?? 3,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
          const topic = batch.topic.slice(this.prefix.length);
          await handler([{ topic, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers }]);
          resolveOffset(message.offset);
          await heartbeat();
        }
      },
    });
    this.consumers.push(consumer);
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    this.consumers = [];
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}
