import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { CREATE_DEAL, defaultStages, failure, knownContact, newId, ok, Stage } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('pipeline_deal_queries', createService);
});
afterAll(() => svc.stop());

const T = { tenantId: 'dq', userId: 'rep-1', roles: ['sales' as const] };
const LIST = `query($filter: DealFilter, $first: Int, $after: String) {
  deals(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id title amount currency status } }
    byStage { stage { name } currency dealCount amount weightedAmount }
  }
}`;

let stages: Record<string, Stage>;
const contactA = newId();
const companyA = newId();
beforeAll(async () => {
  stages = await defaultStages(svc, T.tenantId);
  await knownContact(svc, T, contactA);
  const make = async (title: string, extra: Record<string, unknown>) =>
    ok(svc, CREATE_DEAL, { contactId: await knownContact(svc, T), title, amount: 1000, ...extra }, T);
  await make('small', { amount: 10, contactId: contactA, expectedCloseDate: '2025-01-15' });
  await make('medium', {
    amount: 5_000,
    companyId: companyA,
    kind: 'UPSELL',
    stageId: stages.Proposal.id,
    expectedCloseDate: '2025-02-15',
  });
  await make('large', {
    amount: 2_000_000_000,
    ownerId: 'rep-2',
    stageId: stages.Proposal.id,
    probability: 33,
    expectedCloseDate: '2025-03-15',
  });
  await make('euro', { amount: 777, currency: 'EUR', kind: 'RENEWAL', stageId: stages.Negotiation.id });
  const won = await make('won', { amount: 2_000_000_000, contactId: contactA });
  await ok(svc, `mutation($input: WinDealInput!) { winDeal(input: $input) { id } }`, { dealId: won.id }, T);
  const lost = await make('lost', { amount: 3 });
  await ok(svc, `mutation($input: LoseDealInput!) { loseDeal(input: $input) { id } }`, { dealId: lost.id, reason: 'Timing' }, T);
  await ok(
    svc,
    CREATE_DEAL,
    { contactId: await knownContact(svc, { ...T, tenantId: 'dq-other' }), title: 'elsewhere', amount: 1 },
    { ...T, tenantId: 'dq-other' },
  );
});

async function titles(filter: Record<string, unknown>) {
  const res = await svc.call(LIST, { filter, first: 100 }, T);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.deals.edges.map((e: any) => e.node.title).sort();
}

test('filters: status, pipeline, stage, owner, contact, company, kind, currency, amount and close-date ranges', async () => {
  expect(await titles({})).toEqual(['euro', 'large', 'lost', 'medium', 'small', 'won']);
  expect(await titles({ status: 'OPEN' })).toEqual(['euro', 'large', 'medium', 'small']);
  expect(await titles({ status: 'WON' })).toEqual(['won']);
  expect(await titles({ stageId: stages.Proposal.id })).toEqual(['large', 'medium']);
  expect(await titles({ pipelineId: stages.Proposal.id })).toEqual([]);
  expect(await titles({ ownerId: 'rep-2' })).toEqual(['large']);
  expect(await titles({ contactId: contactA })).toEqual(['small', 'won']);
  expect(await titles({ companyId: companyA })).toEqual(['medium']);
  expect(await titles({ kind: 'RENEWAL' })).toEqual(['euro']);
  expect(await titles({ currency: 'eur' })).toEqual(['euro']);
  expect(await titles({ minAmount: 777, maxAmount: 5000 })).toEqual(['euro', 'medium']);
  expect(await titles({ expectedCloseFrom: '2025-02-01', expectedCloseTo: '2025-03-31' })).toEqual(['large', 'medium']);
  expect(await titles({ status: 'OPEN', minAmount: 1000, stageId: stages.Proposal.id })).toEqual(['large', 'medium']);
});

test('board totals per stage and currency over every matching deal, not only the page', async () => {
  const res = await svc.call(LIST, { filter: { status: 'OPEN' }, first: 1 }, T);
  expect(res.data!.deals.edges).toHaveLength(1);
  expect(res.data!.deals.totalCount).toBe(4);
  expect(res.data!.deals.byStage).toEqual([
    { stage: { name: 'Prospecting' }, currency: 'USD', dealCount: 1, amount: 10, weightedAmount: 1 },
    // 2e9 + 5000 exceeds GraphQL Int: SafeInt carries it exactly.
    { stage: { name: 'Proposal' }, currency: 'USD', dealCount: 2, amount: 2_000_005_000, weightedAmount: 660_000_000 + 2_500 },
    { stage: { name: 'Negotiation' }, currency: 'EUR', dealCount: 1, amount: 777, weightedAmount: 583 },
  ]);
  const all = await svc.call(LIST, { first: 1 }, T);
  expect(all.data!.deals.byStage.map((s: any) => [s.stage.name, s.dealCount])).toEqual([
    ['Prospecting', 1],
    ['Proposal', 2],
    ['Negotiation', 1],
    ['Closed Won', 1],
    ['Closed Lost', 1],
  ]);
});

test('cursor pagination: every deal once, newest first; a bad cursor is BAD_USER_INPUT', async () => {
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const res: any = await svc.call(LIST, { first: 2, after }, T);
    seen.push(...res.data.deals.edges.map((e: any) => e.node.title));
    if (!res.data.deals.pageInfo.hasNextPage) break;
    after = res.data.deals.pageInfo.endCursor;
  }
  expect(seen).toEqual(['lost', 'won', 'euro', 'large', 'medium', 'small']);
  const bad = await svc.call(LIST, { after: 'garbage' }, T);
  expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  const big = await svc.call(LIST, { first: 1000 }, T);
  expect(big.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
});

test('filter errors name their field', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ contactId: 'x' }, 'filter.contactId'],
    [{ minAmount: -1 }, 'filter.minAmount'],
    [{ minAmount: 10, maxAmount: 5 }, 'filter.maxAmount'],
    [{ expectedCloseFrom: '2025-13-01' }, 'filter.expectedCloseFrom'],
    [{ expectedCloseFrom: '2025-02-01', expectedCloseTo: '2025-01-01' }, 'filter.expectedCloseTo'],
    [{ currency: 'EURO' }, 'filter.currency'],
  ];
  for (const [filter, field] of cases) {
    const res = await svc.call(LIST, { filter }, T);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
  expect(await failure(svc, `query($input: ID!) { deal(id: $input) { id } }`, 'nope' as never, T)).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'id',
  });
});

test('another tenant sees none of it', async () => {
  const res = await svc.call(LIST, {}, { tenantId: 'dq-other' });
  expect(res.data!.deals.totalCount).toBe(1);
  expect(res.data!.deals.edges[0].node.title).toBe('elsewhere');
});
