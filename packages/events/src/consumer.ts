import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { dlqTopicOf, EventType, sourceOf, topicOf } from './catalog';
import { AnyEvent, EventEnvelope, validateEvent } from './envelope';
import type { EventTransport, TransportMessage } from './transport';
import { consumeRunTraced, consumeTraced } from './tracing';

export type EventHandler<T extends EventType> = (event: EventEnvelope<T>, manager: EntityManager) => Promise<void>;
/** Applies many events (new ones only, in arrival order) in the caller's transaction. */
export type BatchEventHandler = (events: AnyEvent[], manager: EntityManager) => Promise<void>;
export interface BatchHandlerOptions {
  /** Runs first in each transaction, before the idempotency insert (e.g. a shared lock a rebuild waits on). */
  before?: (manager: EntityManager) => Promise<void>;
}

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
  private batchHandlers = new Map<EventType, BatchEventHandler>();
  private batchBefore = new Map<BatchEventHandler, BatchHandlerOptions['before']>();
  private lanes = 1;
  processed = 0;
  duplicates = 0;
  deadLettered = 0;

  constructor(private readonly opts: ConsumerOptions) {}

  handle<T extends EventType>(type: T, handler: EventHandler<T>): this {
    this.handlers.set(type, handler as unknown as EventHandler<EventType>);
    return this;
  }

  /**
   * Set-based handling: the events of `types` in one transport batch are applied in ONE
   * transaction, with one multi-row insert into crm_processed_events that skips duplicates; the
   * handler sees only the new events, in arrival order. Per-event handlers keep their behaviour.
   */
  handleBatch(types: readonly EventType[], handler: BatchEventHandler, opts: BatchHandlerOptions = {}): this {
    for (const type of types) this.batchHandlers.set(type, handler);
    if (opts.before) this.batchBefore.set(handler, opts.before);
    return this;
  }

  /**
   * Per-event handlers whose delivered runs share one transaction: each event applied in order,
   * as if alone. A failing run falls back to one transaction per event, like handleBatch.
   */
  handleInRuns(handlers: { [T in EventType]?: EventHandler<T> }, opts: BatchHandlerOptions = {}): this {
    const types = Object.keys(handlers) as EventType[];
    return this.handleBatch(
      types,
      async (events, manager) => {
        for (const event of events) await (handlers[event.type] as EventHandler<EventType>)(event, manager);
      },
      opts,
    );
  }

  /**
   * Consume in `n` lanes by message key in the embedded mode, as Kafka consumes partitions
   * side by side: for a consumer whose handlers are per event (no set-based run to keep whole),
   * whose backlog would otherwise be one event at a time. One key's events stay in order.
   */
  inLanes(n: number): this {
    this.lanes = n;
    return this;
  }

  private handles(type: EventType): boolean {
    return this.handlers.has(type) || this.batchHandlers.has(type);
  }

  get topics(): string[] {
    const types = [...this.handlers.keys(), ...this.batchHandlers.keys()];
    return [...new Set(types.map((t) => topicOf(sourceOf(t))))];
  }

  async start(): Promise<void> {
    if (!this.handlers.size && !this.batchHandlers.size) return;
    await this.opts.transport.subscribe(this.opts.name, this.topics, (batch) => this.consumeBatch(batch), { lanes: this.lanes });
  }

  /** Runs of batch-handled messages go set-based; every other message one at a time, in order. */
  async consumeBatch(messages: TransportMessage[]): Promise<void> {
    let run: TransportMessage[] = [];
    for (const message of messages) {
      const type = message.headers['event-type'] as EventType | undefined;
      if (type && this.batchHandlers.has(type)) {
        run.push(message);
        continue;
      }
      // Not ours at all: no effect, so it must not cut a run into single-event transactions.
      if (type && !this.handlers.has(type)) continue;
      if (run.length) await this.consumeRun(run);
      run = [];
      await this.consume(message);
    }
    if (run.length) await this.consumeRun(run);
  }

  /** A run in one transaction; if it keeps failing, each message alone (so one bad event costs only itself). */
  private async consumeRun(messages: TransportMessage[]): Promise<void> {
    const valid: AnyEvent[] = [];
    for (const message of messages) {
      try {
        valid.push(validateEvent(JSON.parse(message.value)));
      } catch (err) {
        await this.deadLetter(message, err, 1);
      }
    }
    if (!valid.length) return;
    const maxAttempts = this.opts.maxAttempts ?? 5;
    for (let attempt = 1; attempt <= Math.min(maxAttempts, 2); attempt++) {
      try {
        await consumeRunTraced(this.opts.name, messages, () => this.applyRun(valid));
        return;
      } catch (err) {
        this.opts.logger.warn({ err: (err as Error).message, attempt, events: valid.length }, 'batch handler failed');
        if (valid.length === 1) break;
      }
    }
    for (const message of messages) await this.consume(message);
  }

  private async applyRun(events: AnyEvent[]): Promise<void> {
    const applied = await this.opts.dataSource.transaction(async (manager) => {
      await this.runBefore(
        events.map((e) => this.batchHandlers.get(e.type)!),
        manager,
      );
      const rows: Array<{ event_id: string }> = await manager.query(
        `INSERT INTO crm_processed_events (consumer, event_id) SELECT $1, e FROM unnest($2::uuid[]) AS e
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.opts.name, [...new Set(events.map((e) => e.id))]],
      );
      const fresh = new Set(rows.map((r) => r.event_id));
      const todo = events.filter((e) => fresh.delete(e.id)); // first copy of each new id, in order
      const groups = new Map<BatchEventHandler, AnyEvent[]>();
      for (const e of todo) {
        const handler = this.batchHandlers.get(e.type)!;
        const group = groups.get(handler);
        if (group) group.push(e);
        else groups.set(handler, [e]);
      }
      for (const [handler, group] of groups) await handler(group, manager);
      return todo.length;
    });
    this.processed += applied;
    this.duplicates += events.length - applied;
  }

  private async runBefore(handlers: BatchEventHandler[], manager: EntityManager): Promise<void> {
    for (const handler of new Set(handlers)) await this.batchBefore.get(handler)?.(manager);
  }

  private async consume(message: TransportMessage): Promise<void> {
    const type = message.headers['event-type'] as EventType | undefined;
    if (type && !this.handles(type)) return; // not ours: cheap skip before parsing
    const maxAttempts = this.opts.maxAttempts ?? 5;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await consumeTraced(this.opts.name, message, () => this.apply(message));
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
    const batchHandler = this.batchHandlers.get(event.type);
    const handler = this.handlers.get(event.type) ?? (batchHandler && ((e: AnyEvent, m: EntityManager) => batchHandler([e], m)));
    if (!handler) return;
    const applied = await this.opts.dataSource.transaction(async (manager) => {
      if (batchHandler) await this.runBefore([batchHandler], manager);
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
      [
        this.opts.name,
        message.topic,
        message.headers['event-id'] ?? null,
        message.headers['event-type'] ?? null,
        reason,
        attempts,
        message.value,
      ],
    );
    await this.opts.transport.publish([
      {
        topic: dlqTopicOf(message.topic),
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          'dlq-consumer': this.opts.name,
          'dlq-error': reason.slice(0, 1000),
          'dlq-attempts': String(attempts),
        },
      },
    ]);
  }
}
