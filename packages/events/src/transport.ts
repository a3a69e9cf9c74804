/** A message as the relay publishes it and a consumer receives it, whatever the transport. */
export interface TransportMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export type BatchHandler = (messages: TransportMessage[]) => Promise<void>;

export interface SubscribeOptions {
  /**
   * In-process: deliver the group's messages in this many lanes by key, side by side, as Kafka
   * delivers its partitions (one key's messages stay in order). Default 1: one batch at a time.
   * Kafka itself always consumes its partitions concurrently.
   */
  lanes?: number;
}

/** FNV-1a: a message key's lane, stable across runs (as Kafka's partitioner is). */
function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

export interface EventTransport {
  readonly kind: 'kafka' | 'in-process';
  /** Resolves once every message is durably accepted (Kafka: acked by the broker). */
  publish(messages: TransportMessage[]): Promise<void>;
  /** Deliver `topics` to `group`; the handler resolving means the batch may be committed. */
  subscribe(group: string, topics: string[], handler: BatchHandler, opts?: SubscribeOptions): Promise<void>;
  close(): Promise<void>;
}

/**
 * The embedded mode's transport: one process, delivery straight to the subscribed handlers.
 * `publish` resolves only after every group has handled the batch, so the relay marks outbox
 * rows sent only then: a crash before that re-delivers them at start (at-least-once, and the
 * consumers' idempotency table absorbs the repeats). Each group sees one batch at a time, in order,
 * unless it subscribed in lanes (SubscribeOptions).
 */
export class InProcessTransport implements EventTransport {
  readonly kind = 'in-process' as const;
  /** Per group, one delivery queue per lane: its batches in order, the lanes side by side. */
  private groups = new Map<string, { topics: Set<string>; handler: BatchHandler; lanes: Array<Promise<void>> }>();
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
      const byLane: TransportMessage[][] = group.lanes.map(() => []);
      for (const m of messages) if (group.topics.has(m.topic)) byLane[laneOf(m.key, byLane.length)].push(m);
      byLane.forEach((mine, i) => {
        if (!mine.length) return;
        const run = group.lanes[i].then(() => group.handler(mine));
        group.lanes[i] = run.catch(() => undefined);
        deliveries.push(run);
      });
    }
    await Promise.all(deliveries);
  }

  async subscribe(group: string, topics: string[], handler: BatchHandler, opts: SubscribeOptions = {}): Promise<void> {
    const existing = this.groups.get(group);
    if (existing) {
      // Several replicas of one group share its deliveries, as in Kafka: keep one handler.
      topics.forEach((t) => existing.topics.add(t));
      return;
    }
    const lanes = Array.from({ length: Math.max(1, opts.lanes ?? 1) }, () => Promise.resolve());
    this.groups.set(group, { topics: new Set(topics), handler, lanes });
  }

  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].flatMap((g) => g.lanes));
    this.groups.clear();
  }
}
