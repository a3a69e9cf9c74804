import { randomUUID } from 'node:crypto';
import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { allReports } from './reports';
import { scenario, shuffleAcrossKeys, withDuplicates } from './scenario';
import { closeTo, expected } from './expected';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('analytics_reports', createService);
});
afterAll(() => svc.stop());

async function feed(chunks: import('@crm/events').TransportMessage[][]) {
  for (const chunk of chunks) await svc.service.consumer.consumeBatch(chunk);
}

test('events in order, one at a time: every report equals the hand count', async () => {
  const tenant = `an-${randomUUID().slice(0, 8)}`;
  const { ids, messages } = scenario(tenant);
  await feed(messages.map((m) => [m]));
  expect(await allReports(svc, tenant, ids)).toEqual(closeTo(expected(ids)));
});

test.each([1, 7, 42])('events shuffled across services (seed %p), batched and duplicated: the same numbers', async (seed) => {
  const tenant = `an-${randomUUID().slice(0, 8)}`;
  const { ids, messages } = scenario(tenant);
  const before = svc.service.consumer.duplicates;
  await feed(withDuplicates(shuffleAcrossKeys(messages, seed), seed));
  expect(svc.service.consumer.duplicates).toBeGreaterThan(before);
  expect(await allReports(svc, tenant, ids)).toEqual(closeTo(expected(ids)));
});

test('a whole redelivered batch has no second effect', async () => {
  const tenant = `an-${randomUUID().slice(0, 8)}`;
  const { ids, messages } = scenario(tenant);
  await feed([messages]);
  await feed([messages]);
  expect(await allReports(svc, tenant, ids)).toEqual(closeTo(expected(ids)));
});
