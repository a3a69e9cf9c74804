import { Client } from 'pg';
import type { BatchHandler } from './transport';
import { OUTBOX_ROW_COLUMNS, OutboxRow, outboxMessage } from './outbox';

/**
 * Every event ever published on some topics, for a consumer that rebuilds its read models from
 * the beginning (analytics). `readToEnd` delivers what was stored up to the moment it is called
 * (per-key order kept) and may be called again to deliver what came since.
 */
export interface HistoryReader {
  readToEnd(): Promise<number>;
  /** How many messages the history holds now (for progress; all topics, not only the read ones). */
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface EventHistory {
  open(topics: string[], handler: BatchHandler): Promise<HistoryReader>;
}

/**
 * The embedded mode's history: the producers' own outboxes, each read in `seq` order (sent rows
 * are kept for the relay's retention period, so that period bounds what a rebuild can see).
 */
export class OutboxHistory implements EventHistory {
  constructor(
    private readonly databaseUrls: string[],
    private readonly pageSize = 5000,
  ) {}

  async open(topics: string[], handler: BatchHandler): Promise<HistoryReader> {
    const clients = await Promise.all(
      this.databaseUrls.map(async (url) => {
        const client = new Client({ connectionString: url });
        await client.connect();
        return { client, after: '0', startedAt: null as Date | null };
      }),
    );
    const pageSize = this.pageSize;
    return {
      async readToEnd() {
        let delivered = 0;
        for (const source of clients) {
          // A writer's seq is drawn before it commits: rows committed late under a seq already
          // passed are found again by rewinding over the last minute (the consumer skips repeats).
          if (source.startedAt) {
            const {
              rows: [{ back }],
            } = await source.client.query<{ back: string | null }>(
              `SELECT (min(seq) - 1)::text AS back FROM crm_outbox WHERE created_at >= $1::timestamptz - interval '1 minute'`,
              [source.startedAt],
            );
            if (back && BigInt(back) < BigInt(source.after)) source.after = back;
          }
          source.startedAt = new Date();
          const {
            rows: [{ last }],
          } = await source.client.query<{ last: string | null }>('SELECT max(seq)::text AS last FROM crm_outbox');
          while (last && BigInt(source.after) < BigInt(last)) {
            const { rows } = await source.client.query<OutboxRow>(
              `SELECT ${OUTBOX_ROW_COLUMNS} FROM crm_outbox
                WHERE seq > $1 AND seq <= $2 AND topic = ANY($3) ORDER BY seq LIMIT $4`,
              [source.after, last, topics, pageSize],
            );
            if (!rows.length) break;
            source.after = rows[rows.length - 1].seq;
            await handler(rows.map(outboxMessage));
            delivered += rows.length;
          }
        }
        return delivered;
      },
      async size() {
        let n = 0;
        for (const { client } of clients)
          n += Number((await client.query('SELECT count(*) AS n FROM crm_outbox WHERE topic = ANY($1)', [topics])).rows[0].n);
        return n;
      },
      async close() {
        await Promise.all(clients.map((c) => c.client.end().catch(() => undefined)));
      },
    };
  }
}
