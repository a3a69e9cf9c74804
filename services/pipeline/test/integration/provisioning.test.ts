import { InProcessTransport } from '@crm/events';
import { createLogger } from '@crm/service-kit';
import { startTestService, testDatabase, TestService, TEST_SUBGRAPH_SECRET } from '@crm/testing';
import { createService } from '../../src/service';

let pipeline: TestService;
beforeAll(async () => {
  pipeline = await startTestService('pipeline_provisioning', createService);
});
afterAll(() => pipeline.stop());

test('a new tenant gets exactly one default pipeline, even when its first 20 requests arrive at once', async () => {
  const results = await Promise.all(
    Array.from({ length: 20 }, () =>
      pipeline.call<{ pipelines: Array<{ name: string; stages: unknown[] }> }>(
        '{ pipelines { name isDefault stages { name probability forecastCategory isWon isLost } } }',
        {},
        { tenantId: 'burst' },
      ),
    ),
  );
  for (const r of results) {
    expect(r.errors).toBeUndefined();
    expect(r.data!.pipelines).toHaveLength(1);
  }
  const rows = await pipeline.service.db.query(`SELECT count(*)::int AS n FROM pipelines WHERE tenant_id = 'burst'`);
  expect(rows[0].n).toBe(1);
  expect(results[0].data!.pipelines[0]).toEqual({
    name: 'Sales',
    isDefault: true,
    stages: [
      { name: 'Prospecting', probability: 10, forecastCategory: 'PIPELINE', isWon: false, isLost: false },
      { name: 'Qualification', probability: 25, forecastCategory: 'PIPELINE', isWon: false, isLost: false },
      { name: 'Proposal', probability: 50, forecastCategory: 'BEST_CASE', isWon: false, isLost: false },
      { name: 'Negotiation', probability: 75, forecastCategory: 'COMMIT', isWon: false, isLost: false },
      { name: 'Closed Won', probability: 100, forecastCategory: 'CLOSED', isWon: true, isLost: false },
      { name: 'Closed Lost', probability: 0, forecastCategory: 'OMITTED', isWon: false, isLost: true },
    ],
  });
  const tenants = await pipeline.service.db.query(`SELECT count(*)::int AS n FROM crm_tenants WHERE tenant_id = 'burst'`);
  expect(tenants[0].n).toBe(1);
});

test('a service restarted on its existing database keeps its data and runs no migration twice', async () => {
  const db = testDatabase('pipeline_restart');
  const config = {
    port: 0,
    databaseUrl: db.url,
    subgraphSecret: TEST_SUBGRAPH_SECRET,
    transport: new InProcessTransport(),
    logger: createLogger('t', 'silent'),
  };
  const first = await createService(config);
  await first.ensureTenant('restart');
  const before = await first.db.query(`SELECT id FROM pipelines WHERE tenant_id = 'restart'`);
  await first.stop();
  const second = await createService(config);
  try {
    await second.ensureTenant('restart');
    expect(await second.db.query(`SELECT id FROM pipelines WHERE tenant_id = 'restart'`)).toEqual(before);
    const migrations = await second.db.query('SELECT name FROM migrations ORDER BY id');
    expect(migrations.map((m: { name: string }) => m.name)).toEqual([
      'KitMigration1700000000000',
      'EventsMigration1700000000001',
      'EventsOutboxPending1700000000002',
      'Pipelines1700000002000',
      'Deals1700000002100',
      'Activities1700000002200',
      'UserIdWidth1700000002300',
      'ContactReplicas1700000002400',
      'SafeIntAmounts1700000002500',
    ]);
  } finally {
    await second.stop();
    await db.drop();
  }
});
