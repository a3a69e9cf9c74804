import { Client } from 'pg';
import type { Logger } from 'pino';
import { OUTBOX_CHANNEL, OUTBOX_ROW_COLUMNS, OutboxRow, outboxMessage } from './outbox';
import type { EventTransport, TransportMessage } from './transport';
import { publishTraced } from './tracing';

export interface RelayOptions {
  /** The service's database (its own connection: LISTEN needs a dedicated session). */
  databaseUrl: string;
  transport: EventTransport;
  logger: Logger;
  batchSize?: number;
  /**
   * After a NOTIFY, wait this long before draining, so the rows of the transactions committing
   * meanwhile go in the same batch (as Kafka's linger.ms): fewer, larger deliveries, and
   * consumers that apply a run set-based do it in fewer transactions. Default 0.
   */
  lingerMs?: number;
  /** Safety-net poll in case a NOTIFY is missed (e.g. while reconnecting). */
  pollMs?: number;
  /** Sent rows written longer ago than this are deleted (default 7 days; null keeps them forever, as a replayable history). */
  retentionMs?: number | null;
  /** How often the relay deletes expired sent rows (default every minute). */
  pruneEveryMs?: number;
  maxBackoffMs?: number;
}

/**
 * Publishes committed outbox rows in `seq` order and marks them sent (out of the unsent queue,
 * crm_outbox_pending). Only one relay per database publishes at a time (a session advisory
 * lock), so order holds with several replicas.
 * Writers of one aggregate serialise on its row, so `seq` order is per-aggregate commit order.
 * If the transport fails, the batch is retried with exponential backoff; nothing is skipped.
 */
export class OutboxRelay {
  private client?: Client;
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private lastPrune = 0;
  /** A NOTIFY arrived since the last drain started: do not sleep. */
  private notified = false;

  constructor(private readonly opts: RelayOptions) {}

  private get batchSize(): number {
    return this.opts.batchSize ?? 500;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.connect();
    this.loop = this.run();
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.opts.databaseUrl });
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    client.on('error', (err) => this.opts.logger.warn({ err }, 'relay connection error; reconnecting'));
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.client = client;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        const sent = await this.drainOnce();
        backoff = 100;
        if (sent === 0 && !this.notified) await this.sleep(this.opts.pollMs ?? 5000);
        // A full batch means more is waiting: no lingering then.
        if (this.opts.lingerMs && sent < this.batchSize && this.running) await new Promise((r) => setTimeout(r, this.opts.lingerMs));
      } catch (err) {
        if (!this.running) break;
        this.opts.logger.warn({ err: (err as Error).message, retryInMs: backoff }, 'outbox relay: publish failed; backing off');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 30_000);
        if (this.client && !(await this.alive())) await this.reconnect();
      }
    }
  }

  private async alive(): Promise<boolean> {
    try {
      await this.client!.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async reconnect(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
    await this.connect().catch((err) => this.opts.logger.warn({ err: err.message }, 'relay reconnect failed'));
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Publish one batch of unsent rows; returns how many were sent. */
  async drainOnce(): Promise<number> {
    const client = this.client;
    if (!client) throw new Error('relay not connected');
    this.notified = false;
    const { rows: lock } = await client.query(`SELECT pg_try_advisory_lock(hashtext('crm_outbox_relay')) AS ok`);
    if (!lock[0].ok) return 0; // another replica is relaying this database
    try {
      // The first seqs of the queue, then their rows by primary key. (As a join, the planner
      // may merge it with an ordered scan of the whole outbox: 100 ms a batch over 300k rows.)
      const { rows } = await client.query<OutboxRow>(
        `SELECT ${OUTBOX_ROW_COLUMNS} FROM crm_outbox
          WHERE seq = ANY (ARRAY(SELECT seq FROM crm_outbox_pending ORDER BY seq LIMIT $1)) ORDER BY seq`,
        [this.batchSize],
      );
      if (rows.length) {
        const messages: TransportMessage[] = rows.map(outboxMessage);
        await publishTraced(messages, () => this.opts.transport.publish(messages));
        // Sent: out of the unsent queue (the row itself stays, for the retention period).
        await client.query('DELETE FROM crm_outbox_pending WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
      }
      await this.pruneIfDue(client);
      return rows.length;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('crm_outbox_relay'))`);
    }
  }

  private async pruneIfDue(client: Client): Promise<void> {
    if (Date.now() - this.lastPrune < (this.opts.pruneEveryMs ?? 60_000)) return;
    this.lastPrune = Date.now();
    if (this.opts.retentionMs === null) return;
    const retention = this.opts.retentionMs ?? 7 * 24 * 3600 * 1000;
    await client.query(
      `DELETE FROM crm_outbox o WHERE o.created_at < now() - ($1::bigint * interval '1 millisecond')
          AND NOT EXISTS (SELECT 1 FROM crm_outbox_pending p WHERE p.seq = o.seq)`,
      [retention],
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
