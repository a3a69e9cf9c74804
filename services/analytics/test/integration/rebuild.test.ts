import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { eventsMigrations, TransportMessage } from '@crm/events';
import { openDatabase } from '@crm/service-kit';
import { startTestService, testDatabase, TestDatabase, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { allReports } from './reports';
import { scenario, shuffleAcrossKeys } from './scenario';
import { closeTo, expected } from './expected';

/** A producer's database: its outbox is the embedded mode's event history. */
let producer: TestDatabase;
let producerDb: DataSource;
let svc: TestService;
beforeAll(async () => {
  producer = testDatabase('analytics_producer');
  producerDb = await openDatabase({ url: producer.url, entities: [], migrations: eventsMigrations });
  svc = await startTestService('analytics_rebuild', createService, { replayDatabaseUrls: [producer.url] });
});
afterAll(async () => {
  await svc.stop();
  await producerDb.destroy();
  await producer.drop();
});

/** What the relay would have published: the rows, in this order, in the producer's outbox. */
async function inOutbox(messages: TransportMessage[]): Promise<void> {
  await producerDb.query(
    `INSERT INTO crm_outbox (event_id, topic, message_key, event_type, payload)
     SELECT e, t, k, ty, p::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
       WITH ORDINALITY AS u(e, t, k, ty, p, ord) ORDER BY ord`,
    [
      messages.map((m) => m.headers['event-id']),
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.headers['event-type']),
      messages.map((m) => m.value),
    ],
  );
}

const REBUILD = 'mutation { rebuildAnalytics { events startedAt finishedAt } }';

test('rebuildAnalytics replays every outbox from the beginning into fresh tables: the same numbers, garbage gone', async () => {
  const tenant = `rb-${randomUUID().slice(0, 8)}`;
  const { ids, messages } = scenario(tenant);
  await inOutbox(shuffleAcrossKeys(messages, 3));
  for (const m of messages) await svc.service.consumer.consumeBatch([m]);
  const live = await allReports(svc, tenant, ids);
  expect(live).toEqual(closeTo(expected(ids)));

  // A read-model row no event explains: a rebuild must not keep it.
  await svc.service.db.query(
    `INSERT INTO deal_facts (tenant_id, deal_id, contact_id, probability, amount, currency, status, created_at, closed_at, last_at)
     VALUES ($1, $2, $3, 100, 999, 'USD', 'WON', '2026-01-02', '2026-01-03', '2026-01-03')`,
    [tenant, randomUUID(), ids.c1],
  );
  expect((await allReports(svc, tenant, ids)).pipeline.wonCount).toBe(3);

  // Meanwhile another tenant's events keep flowing live (and into the outbox, as the relay does).
  const other = `rb-${randomUUID().slice(0, 8)}`;
  const second = scenario(other);
  const flowing = (async () => {
    for (let i = 0; i < second.messages.length; i += 5) {
      const chunk = second.messages.slice(i, i + 5);
      await inOutbox(chunk);
      await svc.service.consumer.consumeBatch(chunk);
    }
  })();
  const res = await svc.call(REBUILD, {}, { tenantId: tenant, roles: ['admin'] });
  await flowing;
  expect(res.errors).toBeUndefined();
  expect(res.data!.rebuildAnalytics.events).toBeGreaterThanOrEqual(messages.length);

  expect(await allReports(svc, tenant, ids)).toEqual(live);
  expect(await allReports(svc, other, second.ids)).toEqual(closeTo(expected(second.ids)));

  // The idempotency table came along: a redelivery after the swap is still a duplicate.
  const duplicates = svc.service.consumer.duplicates;
  await svc.service.consumer.consumeBatch(messages.slice(0, 10));
  expect(svc.service.consumer.duplicates).toBe(duplicates + 10);
  expect(await allReports(svc, tenant, ids)).toEqual(live);
});

test('only admins rebuild', async () => {
  const res = await svc.call(REBUILD, {}, { tenantId: 'rb-x', roles: ['analyst'] });
  expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});
