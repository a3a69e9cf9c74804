import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { dlqTopicOf, EventType, sourceOf, topicOf } from './catalog';
import { AnyEvent, EventEnvelope, validateEvent } from './envelope';
import type { EventTransport, TransportMessage } from './transport';

export type EventHandler<T extends EventType> = (event: EventEnvelope<T>, manager: EntityManager) => Promise<void>;

export interface ConsumerOptions {
  /** The consumer group and the idempotency key's first half, e.g. "analytics". */
  name: string;
  dataSource: DataSource;
  transport: EventTransport;
  logger: Logger;
  /** Attempts per event before it goes to the dead-letter topic. */
  maxAttempts?: number;
  baseBackoffMs?: number;
}

class PoisonMessage extends Error {}

/**
 * Idempotent consumer: each event's effects and its (consumer, event_id) row commit together,
 * so a redelivered event finds its row and has no second effect. A failing handler is retried
 * with backoff; after `maxAttempts` the event goes to `<topic>.dlq` (and crm_dead_letters) with
 * the error, and the consumer moves on.
 */
export class EventConsumer {
  private handlers = new Map<EventType, EventHandler<EventType>>();
  processed = 0;
  duplicates = 0;
  deadLettered = 0;

  constructor(private readonly opts: ConsumerOptions) {}

  handle<T extends EventType>(type: T, handler: EventHandler<T>): this {
    this.handlers.set(type, handler as unknown as EventHandler<EventType>);
    return this;
  }

  get topics(): string[] {
    return [...new Set([...this.handlers.keys()].map((t) => topicOf(sourceOf(t))))];
  }

  async start(): Promise<void> {
    if (!this.handlers.size) return;
    await this.opts.transport.subscribe(this.opts.name, this.topics, (batch) => this.consumeBatch(batch));
  }

  async consumeBatch(messages: TransportMessage[]): Promise<void> {
    for (const message of messages) await this.consume(message);
  }

  private async consume(message: TransportMessage): Promise<void> {
    const type = message.headers['event-type'] as EventType | undefined;
    if (type && !this.handlers.has(type)) return; // not ours: cheap skip before parsing
    const maxAttempts = this.opts.maxAttempts ?? 5;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await this.apply(message);
        return;
      } catch (err) {
        lastError = err;
        if (err instanceof PoisonMessage) break; // invalid payloads never get better
        this.opts.logger.warn({ err: (err as Error).message, attempt, type }, 'event handler failed');
        if (attempt < maxAttempts) await new Promise((r) => setTimeout(r, (this.opts.baseBackoffMs ?? 200) * 2 ** (attempt - 1)));
      }
    }
    await this.deadLetter(message, lastError, maxAttempts);
  }

  private async apply(message: TransportMessage): Promise<void> {
    let event: AnyEvent;
    try {
      event = validateEvent(JSON.parse(message.value));
    } catch (err) {
      throw new PoisonMessage((err as Error).message);
    }
    const handler = this.handlers.get(event.type);
    if (!handler) return;
    const applied = await this.opts.dataSource.transaction(async (manager) => {
      const rows: unknown[] = await manager.query(
        'INSERT INTO crm_processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
        [this.opts.name, event.id],
      );
      if (!rows.length) return false;
      await handler(event, manager);
      return true;
    });
    if (applied) this.processed++;
    else this.duplicates++;
  }

  private async deadLetter(message: TransportMessage, error: unknown, attempts: number): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    this.deadLettered++;
    this.opts.logger.error({ topic: message.topic, type: message.headers['event-type'], reason }, 'event dead-lettered');
    await this.opts.dataSource.query(
      `INSERT INTO crm_dead_letters (consumer, topic, event_id, event_type, error, attempts, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [this.opts.name, message.topic, message.headers['event-id'] ?? null, message.headers['event-type'] ?? null, reason, attempts, message.value],
    );
    await this.opts.transport.publish([
      {
        topic: dlqTopicOf(message.topic),
        key: message.key,
        value: message.value,
        headers: { ...message.headers, 'dlq-consumer': this.opts.name, 'dlq-error': reason.slice(0, 1000), 'dlq-attempts': String(attempts) },
      },
    ]);
  }
}
