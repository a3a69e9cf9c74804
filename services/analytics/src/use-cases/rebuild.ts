import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { Logger } from 'pino';
import { EventConsumer, EventHistory, EventTransport, eventsMigrations } from '@crm/events';
import { conflict } from '@crm/service-kit';
import { migrations, READ_MODEL_TABLES } from '../migrations';
import { ANALYTICS_EVENT_TYPES, APPLY_LOCK, applyEvents } from './apply-events';

const SHADOW = 'analytics_rebuild';
const RETIRED = 'analytics_retired';
const SWAPPED = [...READ_MODEL_TABLES, 'crm_processed_events'];

export interface RebuildOptions {
  db: DataSource;
  history: EventHistory;
  transport: EventTransport;
  logger: Logger;
  /** Called after every replayed batch with the events delivered so far and the history's size. */
  onProgress?: (delivered: number, total: number) => void;
}

export interface RebuildResult {
  events: number;
  startedAt: Date;
  finishedAt: Date;
}

/** The shadow schema: the same tables (built by the same migrations) and its own idempotency table. */
async function createShadow(qr: QueryRunner): Promise<void> {
  await qr.query(`DROP SCHEMA IF EXISTS ${SHADOW} CASCADE`);
  await qr.query(`CREATE SCHEMA ${SHADOW}`);
  await qr.startTransaction();
  try {
    await qr.query(`SET LOCAL search_path TO ${SHADOW}`);
    for (const M of migrations) if (!(eventsMigrations as unknown[]).includes(M)) await new M().up(qr);
    await qr.query(`CREATE TABLE crm_processed_events (LIKE public.crm_processed_events INCLUDING ALL)`);
    await qr.commitTransaction();
  } catch (err) {
    await qr.rollbackTransaction();
    throw err;
  }
}

/** Under the exclusive apply lock (no live batch in flight): shadow tables in, live ones out. */
async function swap(m: EntityManager): Promise<void> {
  await m.query(`DROP SCHEMA IF EXISTS ${RETIRED} CASCADE`);
  await m.query(`CREATE SCHEMA ${RETIRED}`);
  for (const t of SWAPPED) {
    await m.query(`ALTER TABLE public.${t} SET SCHEMA ${RETIRED}`);
    await m.query(`ALTER TABLE ${SHADOW}.${t} SET SCHEMA public`);
  }
  await m.query(`DROP SCHEMA ${RETIRED} CASCADE`);
  await m.query(`DROP SCHEMA ${SHADOW} CASCADE`);
}

/**
 * Rebuild every read model from the beginning into shadow tables while live consumers go on,
 * then swap: the tail that arrived meanwhile is replayed under the exclusive apply lock (live
 * batches hold it shared), and the shadow idempotency table comes along, so each event counts
 * once whichever path delivered it. One rebuild at a time (a session lock).
 */
export async function rebuildReadModels(opts: RebuildOptions): Promise<RebuildResult> {
  const startedAt = new Date();
  const qr = opts.db.createQueryRunner();
  await qr.connect();
  try {
    const [{ ok }] = await qr.query(`SELECT pg_try_advisory_lock(hashtext('analytics:rebuild')) AS ok`);
    if (!ok) throw conflict('A rebuild of the analytics read models is already running');
    try {
      await createShadow(qr);
      const replay = new EventConsumer({
        name: 'analytics',
        dataSource: opts.db,
        transport: opts.transport,
        logger: opts.logger,
        maxAttempts: 3,
        baseBackoffMs: 50,
      });
      replay.handleBatch(ANALYTICS_EVENT_TYPES, (events, m) => applyEvents(m, events), {
        before: (m) => m.query(`SET LOCAL search_path TO ${SHADOW}, public`).then(() => undefined),
      });
      let delivered = 0;
      let total = 0;
      const reader = await opts.history.open(replay.topics, async (batch) => {
        await replay.consumeBatch(batch);
        delivered += batch.length;
        opts.onProgress?.(delivered, Math.max(delivered, total));
      });
      total = await reader.size();
      try {
        await reader.readToEnd();
        await opts.db.transaction(async (m) => {
          await m.query(`SELECT pg_advisory_xact_lock(${APPLY_LOCK})`);
          await reader.readToEnd();
          await swap(m);
        });
      } finally {
        await reader.close();
      }
      opts.logger.info({ events: delivered, applied: replay.processed }, 'analytics read models rebuilt');
      return { events: replay.processed, startedAt, finishedAt: new Date() };
    } finally {
      await qr.query(`SELECT pg_advisory_unlock(hashtext('analytics:rebuild'))`);
    }
  } finally {
    await qr.release();
  }
}
