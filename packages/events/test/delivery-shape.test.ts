import { randomUUID } from 'node:crypto';
import { createLogger, openDatabase } from '@crm/service-kit';
import { eventually, testDatabase } from '@crm/testing';
import { eventsMigrations, InProcessTransport, OutboxRelay, TransportMessage } from '../src';
import { commitStageChange } from './harness';

const message = (key: string, n: number): TransportMessage => ({
  topic: 'crm.leads.v1',
  key,
  value: String(n),
  headers: { 'event-type': 'contact.score_changed' },
});

test('a group in lanes gets each key in order, one batch per lane at a time, lanes side by side', async () => {
  const bus = new InProcessTransport();
  bus.open();
  const seen: Array<{ key: string; n: number }> = [];
  let inFlight = 0;
  let mostInFlight = 0;
  await bus.subscribe(
    'lanes',
    ['crm.leads.v1'],
    async (batch) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      seen.push(...batch.map((m) => ({ key: m.key, n: Number(m.value) })));
      inFlight--;
    },
    { lanes: 3 },
  );
  const keys = Array.from({ length: 12 }, () => randomUUID());
  await Promise.all([0, 1, 2].map((round) => bus.publish(keys.map((k) => message(k, round)))));
  expect(seen).toHaveLength(36);
  for (const k of keys) expect(seen.filter((s) => s.key === k).map((s) => s.n)).toEqual([0, 1, 2]);
  expect(mostInFlight).toBeGreaterThan(1);
  expect(mostInFlight).toBeLessThanOrEqual(3);
});

test('with a linger, the rows of transactions committed meanwhile go out in one batch', async () => {
  const database = testDatabase('events_linger');
  const db = await openDatabase({ url: database.url, entities: [], migrations: eventsMigrations });
  const bus = new InProcessTransport();
  bus.open();
  const batches: TransportMessage[][] = [];
  await bus.subscribe('probe', ['crm.leads.v1'], async (batch) => {
    batches.push(batch);
  });
  const relay = new OutboxRelay({ databaseUrl: database.url, transport: bus, logger: createLogger('linger', 'silent'), lingerMs: 300 });
  try {
    await relay.start();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) await commitStageChange(db, id);
    await eventually(async () => batches.flat().length === 5);
    // The first commit woke the relay; it waited, so (at most) that one went alone.
    expect(batches.length).toBeLessThanOrEqual(2);
    expect(batches.flat().map((m) => m.key)).toEqual(ids);
  } finally {
    await relay.stop();
    await db.destroy();
    await database.drop();
  }
});
