import { randomUUID } from 'node:crypto';
import { createLogger, openDatabase } from '@crm/service-kit';
import { eventually, testDatabase } from '@crm/testing';
import { COUNT_UNSENT_SQL, eventsMigrations, InProcessTransport, OutboxHistory, OutboxRelay, TransportMessage } from '../src';
import { commitStageChange } from './harness';

test('sent rows are pruned after the retention period; unsent rows never are', async () => {
  const database = testDatabase('events_prune');
  const db = await openDatabase({ url: database.url, entities: [], migrations: eventsMigrations });
  const bus = new InProcessTransport();
  const delivered: TransportMessage[] = [];
  await bus.subscribe('probe', ['crm.leads.v1'], async (batch) => {
    delivered.push(...batch);
  });
  const relay = new OutboxRelay({
    databaseUrl: database.url,
    transport: bus,
    logger: createLogger('prune', 'silent'),
    pollMs: 50,
    retentionMs: 300,
    pruneEveryMs: 50,
  });
  try {
    const stageChange = (id: string) => commitStageChange(db, id);
    const sent = randomUUID();
    await stageChange(sent);
    await relay.start(); // the bus is not open yet: nothing can be delivered, so nothing is sent
    await new Promise((r) => setTimeout(r, 200));
    expect(delivered).toEqual([]);
    bus.open();
    await eventually(async () => delivered.some((m) => m.key === sent));
    // Sent, then kept for the retention period, then deleted.
    await eventually(async () => (await db.query('SELECT 1 FROM crm_outbox WHERE message_key = $1', [sent])).length === 0, 10_000);
    await relay.stop();
    const waiting = randomUUID();
    await stageChange(waiting); // written while no relay runs: must survive any pruning
    await new Promise((r) => setTimeout(r, 400));
    expect(
      await db.query(
        'SELECT p.seq IS NOT NULL AS queued FROM crm_outbox o LEFT JOIN crm_outbox_pending p ON p.seq = o.seq WHERE o.message_key = $1',
        [waiting],
      ),
    ).toEqual([{ queued: true }]);
  } finally {
    await relay.stop();
    await bus.close();
    await db.destroy();
    await database.drop();
  }
});

test('with retention null sent rows are kept: the outbox is a replayable history, read back in order', async () => {
  const database = testDatabase('events_keep');
  const db = await openDatabase({ url: database.url, entities: [], migrations: eventsMigrations });
  const bus = new InProcessTransport();
  bus.open();
  const delivered: TransportMessage[] = [];
  await bus.subscribe('probe', ['crm.leads.v1'], async (batch) => {
    delivered.push(...batch);
  });
  const relay = new OutboxRelay({
    databaseUrl: database.url,
    transport: bus,
    logger: createLogger('keep', 'silent'),
    pollMs: 50,
    retentionMs: null,
    pruneEveryMs: 10,
  });
  await relay.start();
  try {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await commitStageChange(db, id);
    await eventually(async () => delivered.length === 3);
    await new Promise((r) => setTimeout(r, 200));
    // All three sent (none queued) and all three kept.
    expect(await db.query(`SELECT count(*)::int AS n, (${COUNT_UNSENT_SQL}) AS queued FROM crm_outbox`)).toEqual([{ n: 3, queued: 0 }]);
    const replayed: string[] = [];
    const reader = await new OutboxHistory([database.url], 2).open(['crm.leads.v1'], async (batch) => {
      replayed.push(...batch.map((m) => m.key));
    });
    expect(await reader.size()).toBe(3);
    expect(await reader.readToEnd()).toBe(3);
    expect(replayed).toEqual(ids);
    // A second read rewinds over the last minute (late commits under an earlier seq): repeats only.
    await reader.readToEnd();
    expect(new Set(replayed)).toEqual(new Set(ids));
    await reader.close();
  } finally {
    await relay.stop();
    await bus.close();
    await db.destroy();
    await database.drop();
  }
});
