import { Admin, Consumer, Kafka, KafkaMessage, logLevel, LogEntry, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { dlqTopicOf, SOURCES, topicOf } from './catalog';
import { randomUUID } from 'node:crypto';
import type { HistoryReader } from './history';
import type { BatchHandler, EventTransport, SubscribeOptions, TransportMessage } from './transport';

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
  /** Most messages handed to a consumer's handler at once (default 500). */
  deliveryChunk?: number;
}

export interface ConsumerLag {
  topic: string;
  partition: number;
  lag: number;
}

/** A fetched Kafka message as the transport-neutral message consumers see. */
export function toTransportMessage(topic: string, message: KafkaMessage): TransportMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
  return { topic, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers };
}

/** Every topic of the catalog and its dead-letter twin. */
export const ALL_TOPICS = SOURCES.filter((s) => s !== 'analytics').flatMap((s) => [topicOf(s), dlqTopicOf(topicOf(s))]);

function pinoLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) logger.warn(extra, `kafka: ${message}`);
      else if (level === logLevel.WARN) logger.info(extra, `kafka: ${message}`);
      else logger.debug(extra, `kafka: ${message}`);
    };
}

/** Kafka's codes for a topic whose creation has not reached every broker's metadata yet. */
const NOT_YET_ELECTED = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Until every partition of `topics` has a leader. kafkajs's own wait (`waitForLeaders`) retries
 * LEADER_NOT_AVAILABLE only, but a KRaft broker may first answer UNKNOWN_TOPIC_OR_PARTITION for a
 * topic it has just created; a busy machine saw that fail test runs.
 */
async function waitForPartitionLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.length === topics.length && found.every((t) => t.partitions.length && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (!NOT_YET_ELECTED.has((err as { type?: string }).type ?? '')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`Kafka topics have no leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

export class KafkaTransport implements EventTransport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Producer;
  private consumers: Consumer[] = [];
  private topicsReady?: Promise<void>;
  private readonly prefix: string;
  private lagAdmin?: Promise<Admin>;

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
            waitForLeaders: false,
            topics: missing.map((topic) => ({ topic, numPartitions: this.opts.partitions ?? 3, replicationFactor: 1 })),
          });
          await waitForPartitionLeaders(admin, missing);
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

  async subscribe(group: string, topics: string[], handler: BatchHandler, _opts?: SubscribeOptions): Promise<void> {
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
      // Chunks of a fetched batch go to the handler together (set-based consumers apply a chunk
      // in one transaction); the offset advances only past a handled chunk.
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const topic = batch.topic.slice(this.prefix.length);
        const chunk = this.opts.deliveryChunk ?? 500;
        for (let i = 0; i < batch.messages.length; i += chunk) {
          if (!isRunning() || isStale()) break;
          const slice = batch.messages.slice(i, i + chunk);
          await handler(slice.map((message) => toTransportMessage(topic, message)));
          resolveOffset(slice[slice.length - 1].offset);
          await heartbeat();
        }
      },
    });
    this.consumers.push(consumer);
  }

  /**
   * Every stored message of `topics`, from offset 0, through a fresh consumer group (deleted on
   * close): the distributed mode's event history for rebuilds.
   */
  async openHistory(topics: string[], handler: BatchHandler): Promise<HistoryReader> {
    await this.ensureTopics();
    const groupId = `${this.prefix}replay-${randomUUID()}`;
    const names = topics.map((t) => this.prefix + t);
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    const admin = this.kafka.admin();
    await Promise.all([consumer.connect(), admin.connect()]);
    await consumer.subscribe({ topics: names, fromBeginning: true });
    const next = new Map<string, bigint>();
    let delivered = 0;
    let failure: unknown;
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        try {
          const topic = batch.topic.slice(this.prefix.length);
          for (let i = 0; i < batch.messages.length; i += 1000) {
            const slice = batch.messages.slice(i, i + 1000);
            await handler(slice.map((m) => toTransportMessage(topic, m)));
            const last = slice[slice.length - 1].offset;
            resolveOffset(last);
            next.set(`${batch.topic}:${batch.partition}`, BigInt(last) + 1n);
            delivered += slice.length;
            await heartbeat();
          }
        } catch (err) {
          failure = err;
          throw err;
        }
      },
    });
    return {
      async readToEnd() {
        const before = delivered;
        const ends = (
          await Promise.all(names.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map((p) => ({ topic, ...p }))))
        ).flat();
        const reached = () =>
          ends.every((p) => BigInt(p.high) <= BigInt(p.low) || (next.get(`${p.topic}:${p.partition}`) ?? 0n) >= BigInt(p.high));
        while (!reached()) {
          if (failure) throw failure;
          await new Promise((r) => setTimeout(r, 50));
        }
        return delivered - before;
      },
      async size() {
        const offsets = await Promise.all(names.map((topic) => admin.fetchTopicOffsets(topic)));
        return offsets.flat().reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0);
      },
      async close() {
        await consumer.disconnect().catch(() => undefined);
        await admin.deleteGroups([groupId]).catch(() => undefined);
        await admin.disconnect().catch(() => undefined);
      },
    };
  }

  /**
   * Messages of `topics` the group has not committed yet, per partition (the broker's high
   * watermark minus the group's committed offset; a partition never committed lags by all it holds).
   */
  async consumerLag(group: string, topics: string[]): Promise<ConsumerLag[]> {
    this.lagAdmin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((err) => {
      this.lagAdmin = undefined;
      throw err;
    });
    const admin = await this.lagAdmin;
    const names = topics.map((t) => this.prefix + t);
    const committed = await admin.fetchOffsets({ groupId: this.prefix + group, topics: names });
    const lags: ConsumerLag[] = [];
    for (const { topic, partitions } of committed) {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o]));
      for (const p of partitions) {
        const end = ends.get(p.partition);
        // -1: nothing committed yet, so everything still held (from the low watermark) is pending.
        const at = Number(p.offset) < 0 ? Number(end?.low ?? 0) : Number(p.offset);
        lags.push({ topic: topic.slice(this.prefix.length), partition: p.partition, lag: Math.max(0, Number(end?.high ?? 0) - at) });
      }
    }
    return lags;
  }

  async close(): Promise<void> {
    const admin = this.lagAdmin;
    this.lagAdmin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    this.consumers = [];
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}
