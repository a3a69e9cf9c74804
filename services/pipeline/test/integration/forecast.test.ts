import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { computeForecast, type ForecastDeal, type ForecastInput } from '../../src/domain';
import { failure, knownContact, newId, ok, pipelinesOf } from './helpers';

// The forecast is one SQL statement (use-cases/forecast.ts); domain/forecast.ts computeForecast is
// the reference. Here ~200 random deals, chosen to hit every edge (rounding halves, UTC midnight,
// null owners and dates, lost and won deals, several currencies and pipelines), are compared.

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('pipeline_forecast', createService);
});
afterAll(() => svc.stop());

const TENANT = 'fc';
const FIGURES = 'currency openAmount weightedAmount bestCase commit closedWon dealCount';
const QUERY = `query($input: ForecastInput!) { forecast(input: $input) { groups { key ${FIGURES} stage { id name } } totals { ${FIGURES} } } }`;

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seedDeals(tenantId: string, count: number, seed: number): Promise<void> {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const pipelines = await pipelinesOf(svc, tenantId);
  const rows = [];
  for (let i = 0; i < count; i++) {
    const pipeline = pick(pipelines);
    const status = pick(['OPEN', 'OPEN', 'OPEN', 'WON', 'WON', 'LOST'] as const);
    const stage =
      status === 'WON'
        ? pipeline.stages.find((s) => s.isWon)!
        : status === 'LOST'
          ? pipeline.stages.find((s) => s.isLost)!
          : pick(pipeline.stages.filter((s) => !s.isWon && !s.isLost));
    const day = new Date(Date.UTC(2024, 10, 1) + Math.floor(random() * 480) * 86_400_000);
    // Close times cluster around UTC midnight so the UTC-date rule is exercised.
    const closedAt =
      status === 'OPEN' ? null : new Date(day.getTime() + pick([0, 1, 86_399_999, 86_400_000 - 1000, 43_200_000])).toISOString();
    rows.push({
      tenant_id: tenantId,
      pipeline_id: pipeline.id,
      stage_id: stage.id,
      contact_id: newId(),
      owner_id: pick(['ann', 'bob', 'Zed', 'émile', null]),
      title: `deal ${i}`,
      amount: pick([0, 1, 5, 50, 150, 999, 12345, 1_000_001, Math.floor(random() * 5_000_000)]),
      currency: pick(['USD', 'USD', 'EUR', 'JPY']),
      probability: status === 'WON' ? 100 : status === 'LOST' ? 0 : pick([0, 10, 25, 33, 50, 75, 99, Math.floor(random() * 101)]),
      kind: 'NEW_BUSINESS',
      status,
      expected_close_date: random() < 0.1 ? null : day.toISOString().slice(0, 10),
      closed_at: closedAt,
      lost_reason: status === 'LOST' ? 'Price' : null,
    });
  }
  await svc.service.db.query(
    `INSERT INTO deals (tenant_id, pipeline_id, stage_id, contact_id, owner_id, title, amount, currency, probability, kind, status,
                        expected_close_date, closed_at, lost_reason, version)
     SELECT tenant_id, pipeline_id, stage_id, contact_id, owner_id, title, amount, currency, probability, kind, status,
            expected_close_date, closed_at, lost_reason, 1
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id varchar, pipeline_id uuid, stage_id uuid, contact_id uuid, owner_id varchar,
            title varchar, amount bigint, currency char(3), probability int, kind varchar, status varchar,
            expected_close_date date, closed_at timestamptz, lost_reason varchar)`,
    [JSON.stringify(rows)],
  );
}

/** Every deal of the tenant as the reference function sees it. */
async function referenceDeals(tenantId: string, pipelineId?: string): Promise<ForecastDeal[]> {
  const rows = await svc.service.db.query(
    `SELECT d.amount::text, d.currency, d.probability, s.forecast_category, d.status, d.expected_close_date::text AS ecd,
            d.closed_at, d.owner_id, d.stage_id
       FROM deals d JOIN pipeline_stages s ON s.id = d.stage_id
      WHERE d.tenant_id = $1 AND ($2::uuid IS NULL OR d.pipeline_id = $2)`,
    [tenantId, pipelineId ?? null],
  );
  return rows.map((r: any) => ({
    amount: Number(r.amount),
    currency: r.currency,
    probability: r.probability,
    forecastCategory: r.forecast_category,
    status: r.status,
    expectedCloseDate: r.ecd,
    closedAt: r.closed_at ? r.closed_at.toISOString() : null,
    ownerId: r.owner_id,
    stageId: r.stage_id,
  }));
}

async function sqlForecast(input: ForecastInput & { pipelineId?: string }, tenantId = TENANT) {
  const res = await svc.call(QUERY, { input }, { tenantId, roles: ['analyst'] });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  const f = res.data!.forecast;
  return {
    ...f,
    groups: f.groups.map(({ stage, ...g }: any) => {
      void stage;
      return g;
    }),
  };
}

beforeAll(async () => {
  await ok(
    svc,
    `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id } }`,
    {
      name: 'Enterprise',
      stages: [
        { name: 'Lead', probability: 5, forecastCategory: 'OMITTED' },
        { name: 'Scoping', probability: 30, forecastCategory: 'PIPELINE' },
        { name: 'Shortlist', probability: 55, forecastCategory: 'BEST_CASE' },
        { name: 'Verbal', probability: 90, forecastCategory: 'COMMIT' },
        { name: 'Signed', probability: 100, forecastCategory: 'CLOSED', isWon: true },
        { name: 'Dropped', probability: 0, forecastCategory: 'OMITTED', isLost: true },
      ],
    },
    { tenantId: TENANT, roles: ['admin'] },
  );
  await seedDeals(TENANT, 200, 42);
  await seedDeals('fc-other', 50, 7); // another tenant's deals must never count
});

describe('forecast equals computeForecast over the same deals', () => {
  const periods: Array<[string, string]> = [
    ['2024-11-01', '2026-03-31'],
    ['2025-01-01', '2025-03-31'],
    ['2025-02-01', '2025-02-01'],
    ['2023-01-01', '2023-12-31'],
  ];
  for (const [from, to] of periods) {
    for (const groupBy of ['MONTH', 'OWNER', 'STAGE'] as const) {
      test(`${from}..${to} by ${groupBy}`, async () => {
        const input = { from, to, groupBy };
        const expected = computeForecast(await referenceDeals(TENANT), input);
        const actual = await sqlForecast(input);
        expect(actual).toEqual(expected);
        if (from === '2024-11-01') expect(expected.groups.length).toBeGreaterThan(3);
      });
    }
  }

  test('restricted to one pipeline', async () => {
    const [, enterprise] = await pipelinesOf(svc, TENANT);
    const input = { from: '2024-11-01', to: '2026-03-31', groupBy: 'STAGE' as const };
    expect(await sqlForecast({ ...input, pipelineId: enterprise.id })).toEqual(
      computeForecast(await referenceDeals(TENANT, enterprise.id), input),
    );
  });

  test('grouped by stage, each group names its stage', async () => {
    const res = await svc.call(QUERY, { input: { from: '2024-11-01', to: '2026-03-31', groupBy: 'STAGE' } }, { tenantId: TENANT });
    for (const g of res.data!.forecast.groups) expect(g.stage.id).toBe(g.key);
    const byMonth = await svc.call(QUERY, { input: { from: '2024-11-01', to: '2026-03-31', groupBy: 'MONTH' } }, { tenantId: TENANT });
    expect(byMonth.data!.forecast.groups.every((g: any) => g.stage === null)).toBe(true);
  });
});

test('a deal won through the API counts on its UTC close date; a lost one never counts', async () => {
  const t = { tenantId: 'fc-api', roles: ['sales' as const] };
  const today = new Date().toISOString().slice(0, 10);
  const make = async (amount: number) =>
    ok(
      svc,
      `mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }`,
      { contactId: await knownContact(svc, t), title: 't', amount, expectedCloseDate: today },
      t,
    );
  const won = await make(1000);
  const lost = await make(2000);
  await make(333);
  await ok(svc, `mutation($input: WinDealInput!) { winDeal(input: $input) { id } }`, { dealId: won.id }, t);
  await ok(svc, `mutation($input: LoseDealInput!) { loseDeal(input: $input) { id } }`, { dealId: lost.id, reason: 'Price' }, t);
  const f = await sqlForecast({ from: today, to: today, groupBy: 'OWNER' }, 'fc-api');
  expect(f.totals).toEqual([
    { currency: 'USD', openAmount: 333, weightedAmount: 33, bestCase: 1000, commit: 0, closedWon: 1000, dealCount: 2 },
  ]);
  expect(f.groups).toEqual([{ key: 'user-1', ...f.totals[0] }]);
});

test('bad input is BAD_USER_INPUT naming the field; roles', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ from: '2025-02-30', to: '2025-03-01', groupBy: 'MONTH' }, 'from'],
    [{ from: '2025-03-01', to: '2025-02-01', groupBy: 'MONTH' }, 'to'],
    [{ from: '2020-01-01', to: '2026-01-01', groupBy: 'MONTH' }, 'to'],
    [{ from: '2025-01-01', to: '2025-02-01', groupBy: 'MONTH', pipelineId: 'x' }, 'pipelineId'],
  ];
  for (const [input, field] of cases)
    expect(await failure(svc, QUERY, input, { tenantId: TENANT })).toMatchObject({ code: 'BAD_USER_INPUT', field });
  expect(
    await failure(
      svc,
      QUERY,
      { from: '2025-01-01', to: '2025-02-01', groupBy: 'MONTH' },
      { tenantId: TENANT, roles: [], scopes: ['contacts:read'] },
    ),
  ).toMatchObject({ code: 'FORBIDDEN', operation: 'forecast', requiredScope: 'deals:read' });
});
