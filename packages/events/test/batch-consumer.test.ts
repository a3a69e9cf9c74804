import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDatabase } from '@crm/service-kit';
import { eventMessage, testDatabase, TestDatabase } from '@crm/testing';
import { AnyEvent, EventConsumer, eventsMigrations, InProcessTransport } from '../src';
import { logger } from './harness';

let database: TestDatabase;
let db: DataSource;
beforeAll(async () => {
  database = testDatabase('events_batch');
  db = await openDatabase({ url: database.url, entities: [], migrations: eventsMigrations });
  await db.query('CREATE TABLE applied (seq bigserial PRIMARY KEY, event_id uuid NOT NULL, kind text NOT NULL, txid bigint NOT NULL)');
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const stage = (contact: string) =>
  eventMessage('contact.lifecycle_stage_changed', 'batch', contact, {
    from: null,
    to: 'LEAD',
    reason: null,
    source: 'API',
    at: new Date().toISOString(),
  });
const score = (contact: string) =>
  eventMessage('contact.score_changed', 'batch', contact, { previous: 0, score: 5, fit: 1, engagement: 1 });

function consumer(poison = new Set<string>()) {
  const batches: AnyEvent[][] = [];
  const transport = new InProcessTransport();
  transport.open();
  const c = new EventConsumer({ name: `batch-${randomUUID()}`, dataSource: db, transport, logger, maxAttempts: 2, baseBackoffMs: 1 });
  c.handleBatch(['contact.lifecycle_stage_changed'], async (events, m) => {
    if (events.some((e) => poison.has(e.aggregateId))) throw new Error('poisoned');
    batches.push(events);
    await m.query(
      `INSERT INTO applied (event_id, kind, txid) SELECT e, 'batch', txid_current() FROM unnest($1::uuid[]) WITH ORDINALITY AS u(e, o) ORDER BY o`,
      [events.map((e) => e.id)],
    );
  });
  c.handle('contact.score_changed', async (event, m) => {
    await m.query(`INSERT INTO applied (event_id, kind, txid) VALUES ($1, 'single', txid_current())`, [event.id]);
  });
  return { c, batches };
}

const appliedOf = (ids: string[]) => db.query('SELECT event_id, kind, txid FROM applied WHERE event_id = ANY($1) ORDER BY seq', [ids]);

test('a run of batch-handled events is one transaction with the new events only, in order; others keep per-event handling', async () => {
  const { c, batches } = consumer();
  const a = stage(randomUUID());
  const b = stage(randomUUID());
  const s = score(randomUUID());
  const d = stage(randomUUID());
  await c.consumeBatch([a, b, a, s, d]);
  const ids = [a, b, s, d].map((m) => m.headers['event-id']);
  const rows = await appliedOf(ids);
  expect(rows.map((r: { event_id: string }) => r.event_id)).toEqual(ids);
  expect(rows.map((r: { kind: string }) => r.kind)).toEqual(['batch', 'batch', 'single', 'batch']);
  expect(rows[0].txid).toBe(rows[1].txid);
  expect(batches.map((bs) => bs.length)).toEqual([2, 1]);
  expect(c.processed).toBe(4);
  expect(c.duplicates).toBe(1);
  await c.consumeBatch([a, b, d]);
  expect(c.duplicates).toBe(4);
  expect(await appliedOf(ids)).toHaveLength(4);
});

test('events the consumer does not handle are skipped without cutting a run in two', async () => {
  const { c, batches } = consumer();
  const a = stage(randomUUID());
  const merged = eventMessage('contact.merged', 'batch', randomUUID(), { primaryId: randomUUID(), duplicateId: randomUUID() });
  const b = stage(randomUUID());
  await c.consumeBatch([a, merged, b]);
  const rows = await appliedOf([a, b].map((m) => m.headers['event-id']));
  expect(rows.map((r: { kind: string }) => r.kind)).toEqual(['batch', 'batch']);
  expect(rows[0].txid).toBe(rows[1].txid);
  expect(batches.map((bs) => bs.length)).toEqual([2]);
  expect(c.processed).toBe(2);
});

test('a batch that keeps failing falls back to one event at a time: only the bad one is dead-lettered', async () => {
  const bad = randomUUID();
  const { c } = consumer(new Set([bad]));
  const good1 = stage(randomUUID());
  const poisoned = stage(bad);
  const good2 = stage(randomUUID());
  await c.consumeBatch([good1, poisoned, good2]);
  expect((await appliedOf([good1, good2].map((m) => m.headers['event-id']))).length).toBe(2);
  expect(c.deadLettered).toBe(1);
  const [dead] = await db.query('SELECT event_id, error FROM crm_dead_letters WHERE event_id = $1', [poisoned.headers['event-id']]);
  expect(dead.error).toBe('poisoned');
});
