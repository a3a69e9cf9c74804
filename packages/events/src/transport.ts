/** A message as the relay publishes it and a consumer receives it, whatever the transport. */
export interface TransportMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export type BatchHandler = (messages: TransportMessage[]) => Promise<void>;

export interface EventTransport {
  readonly kind: 'kafka' | 'in-process';
  /** Resolves once every message is durably accepted (Kafka: acked by the broker). */
  publish(messages: TransportMessage[]): Promise<void>;
  /** Deliver `topics` to `group`; the handler resolving means the batch may be committed. */
  subscribe(group: string, topics: string[], handler: BatchHandler): Promise<void>;
  close(): Promise<void>;
}

/**
 * The embedded mode's transport: one process, delivery straight to the subscribed handlers.
 * `publish` resolves only after every group has handled the batch, so the relay marks outbox
 * rows sent only then: a crash before that re-delivers them at start (at-least-once, and the
 * consumers' idempotency table absorbs the repeats). Each group sees one batch at a time, in order.
 */
export class InProcessTransport implements EventTransport {
  readonly kind = 'in-process' as const;
  private groups = new Map<string, { topics: Set<string>; handler: BatchHandler; queue: Promise<void> }>();
  private opened!: () => void;
  /** Publishing waits until every service of the process has subscribed (see open()). */
  private ready = new Promise<void>((resolve) => (this.opened = resolve));

  open(): void {
    this.opened();
  }

  async publish(messages: TransportMessage[]): Promise<void> {
    await this.ready;
    const deliveries: Promise<void>[] = [];
    for (const group of this.groups.values()) {
      const mine = messages.filter((m) => group.topics.has(m.topic));
      if (!mine.length) continue;
      const run = group.queue.then(() => group.handler(mine));
      group.queue = run.catch(() => undefined);
      deliveries.push(run);
    }
    await Promise.all(deliveries);
  }

  async subscribe(group: string, topics: string[], handler: BatchHandler): Promise<void> {
    const existing = this.groups.get(group);
    if (existing) {
      // Several replicas of one group share its deliveries, as in Kafka: keep one handler.
      topics.forEach((t) => existing.topics.add(t));
      return;
    }
    this.groups.set(group, { topics: new Set(topics), handler, queue: Promise.resolve() });
  }

  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.queue));
    this.groups.clear();
  }
}
