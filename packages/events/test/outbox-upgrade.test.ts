import { randomUUID } from 'node:crypto';
import { createLogger, openDatabase } from '@crm/service-kit';
import { eventually, testDatabase } from '@crm/testing';
import {
  COUNT_UNSENT_SQL,
  EventsMigration1700000000001,
  eventsMigrations,
  InProcessTransport,
  OutboxRelay,
  TransportMessage,
} from '../src';

// A database whose outbox still marks rows sent (sent_at) moves to the unsent queue: exactly the
// rows never sent are queued, in order, and the relay then publishes those and no other.
test('the upgrade queues exactly the unsent rows, and the relay publishes only those', async () => {
  const database = testDatabase('events_upgrade');
  const old = await openDatabase({ url: database.url, entities: [], migrations: [EventsMigration1700000000001] });
  const keys = Array.from({ length: 5 }, () => randomUUID());
  const payload = (key: string) => JSON.stringify({ id: randomUUID(), type: 'contact.created', aggregateId: key });
  try {
    // Rows 1, 3 and 5 were sent by the old relay; 2 and 4 were still waiting.
    for (const [i, key] of keys.entries()) {
      await old.query(
        `INSERT INTO crm_outbox (event_id, topic, message_key, event_type, payload, sent_at)
         VALUES (gen_random_uuid(), 'crm.leads.v1', $1, 'contact.created', $2::jsonb, CASE WHEN $3 THEN now() END)`,
        [key, payload(key), i % 2 === 0],
      );
    }
  } finally {
    await old.destroy();
  }

  const db = await openDatabase({ url: database.url, entities: [], migrations: eventsMigrations });
  const bus = new InProcessTransport();
  const delivered: TransportMessage[] = [];
  await bus.subscribe('probe', ['crm.leads.v1'], async (batch) => {
    delivered.push(...batch);
  });
  bus.open();
  const relay = new OutboxRelay({ databaseUrl: database.url, transport: bus, logger: createLogger('upgrade', 'silent'), pollMs: 50 });
  try {
    const queued = await db.query('SELECT o.message_key FROM crm_outbox_pending p JOIN crm_outbox o ON o.seq = p.seq ORDER BY p.seq');
    expect(queued.map((r: { message_key: string }) => r.message_key)).toEqual([keys[1], keys[3]]);
    const columns = await db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'crm_outbox' ORDER BY ordinal_position`,
    );
    expect(columns.map((c: { column_name: string }) => c.column_name)).not.toContain('sent_at');

    await relay.start();
    await eventually(async () => (await db.query(COUNT_UNSENT_SQL))[0].n === 0);
    expect(delivered.map((m) => m.key)).toEqual([keys[1], keys[3]]);
    expect((await db.query('SELECT count(*)::int AS n FROM crm_outbox'))[0].n).toBe(5);
  } finally {
    await relay.stop();
    await bus.close();
    await db.destroy();
    await database.drop();
  }
});
