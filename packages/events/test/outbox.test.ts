import { randomUUID } from 'node:crypto';
import { eventually } from '@crm/testing';
import { emit, emitMany, InvalidEventError, validateEvent } from '../src';
import { collect, Harness, stageChangeEvent, startHarness, TransportKind } from './harness';

const STAGES = ['MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER'];

describe.each<TransportKind>(['in-process', 'kafka'])('outbox, relay and consumer over %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(() => h?.stop());

  test('an event written in a rolled-back transaction is never published; a committed one always is', async () => {
    const rolledBack = randomUUID();
    const committed = randomUUID();
    await expect(
      h.db.transaction(async (m) => {
        await emit(m, {
          type: 'contact.lifecycle_stage_changed',
          tenantId: 't',
          aggregateId: rolledBack,
          data: { from: null, to: 'LEAD', reason: null, source: 'API', at: new Date().toISOString() },
        });
        throw new Error('business rule failed after the emit');
      }),
    ).rejects.toThrow('business rule failed');
    await h.stageChange(committed, 'LEAD');
    await eventually(async () => (await h.seen()).some((s) => s.contact_id === committed));
    expect((await h.seen()).filter((s) => s.contact_id === rolledBack)).toEqual([]);
    const outbox = await h.db.query(
      'SELECT o.message_key, p.seq IS NOT NULL AS queued FROM crm_outbox o LEFT JOIN crm_outbox_pending p ON p.seq = o.seq WHERE o.message_key = ANY($1)',
      [[rolledBack, committed]],
    );
    // Only the committed one, and it is sent: out of the unsent queue.
    expect(outbox).toEqual([{ message_key: committed, queued: false }]);
  });

  test("a transaction's events are written as it commits, in order; a savepoint rolled back drops only its own", async () => {
    const kept = [randomUUID(), randomUUID(), randomUUID()];
    const dropped = randomUUID();
    const change = stageChangeEvent;
    const inTransaction = await h.db.transaction(async (m) => {
      await emit(m, change(kept[0], 'LEAD'));
      await emit(m, change(kept[1], 'LEAD'));
      await m
        .transaction(async (inner) => {
          await emit(inner, change(dropped, 'LEAD'));
          throw new Error('inner step failed');
        })
        .catch(() => undefined);
      await emit(m, change(kept[2], 'MQL'));
      // Not yet written: the rows appear as the transaction commits.
      return Number((await m.query('SELECT count(*) AS n FROM crm_outbox WHERE message_key = ANY($1)', [kept]))[0].n);
    });
    expect(inTransaction).toBe(2); // the two written before the savepoint began
    const rows = await h.db.query('SELECT message_key FROM crm_outbox WHERE message_key = ANY($1) ORDER BY seq', [[...kept, dropped]]);
    expect(rows.map((r: { message_key: string }) => r.message_key)).toEqual(kept);
  });

  test.each([1, 8, 9, 1200])('%i events of one transaction: each row is its envelope as written, in emit order', async (n) => {
    const keys = Array.from({ length: n }, () => randomUUID());
    const events = await h.db.transaction((m) =>
      emitMany(
        m,
        keys.map((k) => stageChangeEvent(k, 'LEAD')),
      ),
    );
    const rows = await h.db.query(
      'SELECT event_id, message_key, event_type, payload::text AS payload FROM crm_outbox WHERE message_key = ANY($1) ORDER BY seq',
      [keys],
    );
    expect(rows.map((r: { message_key: string }) => r.message_key)).toEqual(keys);
    expect(rows.map((r: { event_id: string }) => r.event_id)).toEqual(events.map((e) => e.id));
    expect(rows.every((r: { event_type: string }) => r.event_type === 'contact.lifecycle_stage_changed')).toBe(true);
    expect(rows.map((r: { payload: string }) => r.payload)).toEqual(events.map((e) => JSON.stringify(e)));
  });

  test('events of one contact arrive in the order they were written', async () => {
    const contacts: string[] = [randomUUID(), randomUUID(), randomUUID()];
    for (const stage of STAGES) for (const c of contacts) await h.stageChange(c, stage);
    const seen = await eventually(async () => {
      const rows = (await h.seen()).filter((s) => contacts.includes(s.contact_id));
      return rows.length === contacts.length * STAGES.length ? rows : undefined;
    });
    for (const c of contacts) expect(seen.filter((s) => s.contact_id === c).map((s) => s.to_stage)).toEqual(STAGES);
  });

  test('the same event delivered twice has one effect', async () => {
    const contact = randomUUID();
    await h.stageChange(contact, 'MQL');
    await eventually(async () => (await h.seen()).some((s) => s.contact_id === contact));
    const [row] = await h.db.query('SELECT topic, message_key, event_id, event_type, payload FROM crm_outbox WHERE message_key = $1', [
      contact,
    ]);
    const redelivery = {
      topic: row.topic,
      key: row.message_key,
      value: JSON.stringify(row.payload),
      headers: { 'event-id': row.event_id, 'event-type': row.event_type },
    };
    const duplicatesBefore = h.consumer.duplicates;
    await h.transport.publish([redelivery, redelivery]);
    await eventually(async () => h.consumer.duplicates >= duplicatesBefore + 2);
    expect((await h.seen()).filter((s) => s.contact_id === contact)).toHaveLength(1);
  });

  test('a handler that always throws sends the event to the DLQ after the retry budget; later events flow', async () => {
    const dlq = await collect(h.transport, 'crm.leads.v1.dlq');
    const bad = randomUUID();
    const good = randomUUID();
    h.poisoned.add(bad);
    await h.stageChange(bad, 'SQL');
    await h.stageChange(good, 'SQL');
    await eventually(async () => (await h.seen()).some((s) => s.contact_id === good));
    const dead = await eventually(async () => {
      const rows = await h.db.query('SELECT event_type, error, attempts, consumer FROM crm_dead_letters WHERE payload::jsonb ->> $1 = $2', [
        'aggregateId',
        bad,
      ]);
      return rows.length ? rows : undefined;
    });
    expect(dead).toEqual([
      { event_type: 'contact.lifecycle_stage_changed', error: `refusing ${bad}`, attempts: 3, consumer: 'test-consumer' },
    ]);
    const onTopic = await eventually(async () => dlq.find((m) => m.key === bad));
    expect(onTopic.headers['dlq-error']).toBe(`refusing ${bad}`);
    expect(onTopic.headers['dlq-attempts']).toBe('3');
    expect(JSON.parse(onTopic.value).aggregateId).toBe(bad);
    expect((await h.seen()).filter((s) => s.contact_id === bad)).toEqual([]);
  });

  test('an invalid message goes straight to the DLQ without retries', async () => {
    const key = randomUUID();
    await h.transport.publish([
      {
        topic: 'crm.leads.v1',
        key,
        value: JSON.stringify({ type: 'contact.lifecycle_stage_changed', id: 'nope' }),
        headers: { 'event-type': 'contact.lifecycle_stage_changed' },
      },
    ]);
    const [row] = await eventually(async () => {
      const rows = await h.db.query(`SELECT error, attempts FROM crm_dead_letters WHERE payload LIKE '%"nope"%'`);
      return rows.length ? rows : undefined;
    });
    expect(row.error).toMatch(/^Invalid event contact\.lifecycle_stage_changed: id: /);
  });
});

describe('event validation', () => {
  const valid = {
    id: randomUUID(),
    type: 'contact.lifecycle_stage_changed',
    version: 1,
    source: 'leads',
    tenantId: 'acme',
    aggregateId: randomUUID(),
    occurredAt: new Date().toISOString(),
    data: { from: 'LEAD', to: 'MQL', reason: null, source: 'RULE', at: new Date().toISOString() },
  };
  test('a valid envelope passes', () => {
    expect(validateEvent(valid).type).toBe('contact.lifecycle_stage_changed');
  });
  test.each([
    [{ ...valid, type: 'contact.exploded' }, 'contact.exploded', 'type'],
    [{ ...valid, data: { ...valid.data, to: 'KING' } }, 'contact.lifecycle_stage_changed', 'data.to'],
    [{ ...valid, tenantId: 'bad tenant' }, 'contact.lifecycle_stage_changed', 'tenantId'],
    [{ ...valid, source: 'pipeline' }, 'contact.lifecycle_stage_changed', 'source'],
    [
      {
        ...valid,
        type: 'deal.won',
        data: { contactId: randomUUID(), kind: 'NEW_BUSINESS', closedAt: new Date().toISOString(), amount: -1, currency: 'EUR' },
        source: 'pipeline',
      },
      'deal.won',
      'data.amount',
    ],
  ])('rejects %#: names the type and the field', (raw, type, field) => {
    let err: unknown;
    try {
      validateEvent(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidEventError);
    expect((err as InvalidEventError).eventType).toBe(type);
    expect((err as InvalidEventError).field).toBe(field);
    expect((err as Error).message).toContain(`Invalid event ${type}: ${field}:`);
  });
});
