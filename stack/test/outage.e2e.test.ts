import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, KafkaBroker, startKafkaBroker } from '@crm/testing';
import { COUNT_UNSENT_SQL } from '@crm/events';
import { startTestStack, TestStack } from './helpers';
import { consumersByType } from '../src/event-docs';

// docs/event-delivery.md: if the broker is down, writes still succeed and events wait in the outbox; when it
// is back, every event arrives, in order per contact, and the read model is exact.
const CONTACTS = 100;
const MOVES = ['MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER']; // 5 x 100 = 500 stage changes
const capture = `mutation($email: String!) { captureLead(input: { email: $email }) { id } }`;
const change = `mutation($input: ChangeLifecycleStageInput!) { changeLifecycleStage(input: $input) { lifecycleStage } }`;

async function inChunks<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

async function writeEverything(stack: TestStack, tenant: string, ids: string[]) {
  const q = stack.as(tenant, ['sales']);
  await inChunks(ids, 10, async (contactId) => {
    for (const stage of MOVES) {
      const res = await q(change, { input: { contactId, stage } });
      expect(res.errors).toBeUndefined();
    }
  });
}

async function captureContacts(stack: TestStack, tenant: string): Promise<string[]> {
  const q = stack.as(tenant, ['sales']);
  const ids: string[] = [];
  await inChunks([...Array(CONTACTS).keys()], 10, async (i) => {
    const res = await q<{ captureLead: { id: string } }>(capture, { email: `c${i}@outage.example` });
    ids.push(res.data!.captureLead.id);
  });
  return ids;
}

async function expectExactReadModel(stack: TestStack, tenant: string) {
  const counts = await eventually(async () => {
    const res = await stack.as(tenant, ['analyst'])<{ contactsByStage: Array<{ stage: string; contacts: number }> }>(
      '{ contactsByStage { stage contacts } }',
    );
    const byStage = Object.fromEntries(res.data!.contactsByStage.map((s) => [s.stage, s.contacts]));
    return byStage.PROMOTER === CONTACTS ? byStage : undefined;
  }, 90_000);
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(CONTACTS);
  // Exactly once: every event leads and pipeline produced of a type analytics consumes was applied
  // once (processed rows = produced events), and the stage events among them are the 700 written
  // (100 captures, each a contact.created and a first stage, + 500 moves).
  const consumed = [...consumersByType()].filter(([, consumers]) => consumers.includes('analytics')).map(([type]) => type);
  const produced = async () => {
    let n = 0;
    for (const svc of [stack.services.leads, stack.services.pipeline]) {
      const [row] = await svc.db.query('SELECT count(*)::int AS n FROM crm_outbox WHERE event_type = ANY($1)', [consumed]);
      n += row.n;
    }
    return n;
  };
  const applied = async () =>
    (await stack.services.analytics.db.query(`SELECT count(*)::int AS n FROM crm_processed_events WHERE consumer = 'analytics'`))[0]
      .n as number;
  let last = { applied: -1, produced: -2, deadLettered: 0 };
  try {
    await eventually(async () => {
      const [dead] = await stack.services.analytics.db.query('SELECT count(*)::int AS n FROM crm_dead_letters');
      last = { applied: await applied(), produced: await produced(), deadLettered: dead.n };
      return last.applied === last.produced || undefined;
    }, 60_000);
  } finally {
    expect(last).toEqual({ applied: last.produced, produced: last.produced, deadLettered: 0 });
  }
  const [stageEvents] = await stack.services.leads.db.query(
    `SELECT count(*)::int AS n FROM crm_outbox WHERE event_type IN ('contact.created', 'contact.lifecycle_stage_changed') AND payload->>'tenantId' = $1`,
    [tenant],
  );
  expect(stageEvents.n).toBe(CONTACTS * 2 + CONTACTS * MOVES.length);
}

describe('broker outage (real Kafka broker stopped and restarted)', () => {
  let broker: KafkaBroker;
  let stack: TestStack;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-outage-kafka-'));

  beforeAll(async () => {
    broker = await startKafkaBroker({ port: 19392, dir, fresh: true });
    stack = await startTestStack({ kafkaBrokers: broker.brokers });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  test('500 stage changes written while the broker is down all arrive, in order per contact, counted exactly once', async () => {
    const ids = await captureContacts(stack, 'outage');
    await broker.stop();
    await writeEverything(stack, 'outage', ids); // succeeds: the outbox takes the events
    const [waiting] = await stack.services.leads.db.query(COUNT_UNSENT_SQL);
    expect(waiting.n).toBeGreaterThanOrEqual(CONTACTS * MOVES.length);
    await broker.start();
    await expectExactReadModel(stack, 'outage');

    // On the topic itself: per contact, the stage sequence is exactly the order of the writes.
    const kafka = new Kafka({ clientId: 'outage-reader', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `reader-${stack.namespace}` });
    const seen = new Map<string, string[]>();
    const ids_ = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic: `${stack.namespace}.crm.leads.v1`, fromBeginning: true });
    let stageEvents = 0;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value!.toString());
        if (event.type !== 'contact.lifecycle_stage_changed' || ids_.has(event.id)) return; // at-least-once: skip repeats
        ids_.add(event.id);
        stageEvents++;
        seen.set(event.aggregateId, [...(seen.get(event.aggregateId) ?? []), event.data.to]);
      },
    });
    await eventually(async () => stageEvents === CONTACTS * (MOVES.length + 1), 60_000);
    await consumer.disconnect();
    for (const id of ids) expect(seen.get(id)).toEqual(['LEAD', ...MOVES]);
  }, 240_000);
});

describe('in-process transport: events wait in the outbox while the relay is down', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  test('500 stage changes written with no relay running all arrive once it is back, counted exactly once', async () => {
    const ids = await captureContacts(stack, 'outage-ip');
    await stack.services.leads.relay.stop();
    await writeEverything(stack, 'outage-ip', ids);
    const [waiting] = await stack.services.leads.db.query(COUNT_UNSENT_SQL);
    expect(waiting.n).toBeGreaterThanOrEqual(CONTACTS * MOVES.length);
    await stack.services.leads.relay.start();
    await expectExactReadModel(stack, 'outage-ip');
    const order = await stack.services.analytics.db.query(`SELECT stage, count(*)::int AS n FROM contact_stages GROUP BY stage`);
    expect(order).toEqual([{ stage: 'PROMOTER', n: CONTACTS }]);
  }, 120_000);
});
