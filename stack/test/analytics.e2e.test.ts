import { randomUUID } from 'node:crypto';
import { eventually } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

// Analytics through the gateway over a real Kafka broker: a small journey made with leads and
// pipeline operations, and every report compared with what this test computes from the
// operations it made (the contacts' stage history and the deals as pipeline returns them).
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ kafka: true });
}, 120_000);
afterAll(() => stack?.stop(), 60_000);

const FORWARD = ['VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER'];
const ALL = [...FORWARD, 'CHURNED', 'DISQUALIFIED'];
type Change = { from: string | null; to: string; at: string };
type Deal = {
  id: string;
  status: string;
  amount: number;
  currency: string;
  createdAt: string;
  closedAt: string | null;
  lostReason: string | null;
  probability: number;
  stage: { id: string; name: string };
};

const CONTACT = `query($id: ID!) { contact(id: $id) { lifecycleStage stageHistory { from to at }
  deals { id status amount currency createdAt closedAt lostReason probability stage { id name } }
  journey { currentStage stages { stage enteredAt leftAt } } } }`;
const FUNNEL = `query($input: LifecycleFunnelInput!) { lifecycleFunnel(input: $input) { stages { stage reached current conversionToNext avgDaysInStage medianDaysInStage } } }`;
const PIPELINE = `query($input: PipelineReportInput!) { pipelineReport(input: $input) { currency openValue weightedValue openDeals wonValue wonCount lostCount
  winRate avgDealSize avgSalesCycleDays byStage { stageId stageName deals value weightedValue } lossReasons { reason count } } }`;
const RETENTION = `query($input: RetentionReportInput!) { retentionReport(input: $input) { customersAtStart newCustomers churned reconquered customersAtEnd
  churnRate repeatPurchaseRate avgLifetimeValue } }`;

const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The funnel of docs/kpis.md counted from the stage histories the operations produced. */
function funnelOf(histories: Change[][], from: string, to: string) {
  const inPeriod = (at: string) => at >= from && at < to;
  return ALL.map((stage, i) => {
    const reachedBy = (h: Change[]) =>
      h.some(
        (c) =>
          inPeriod(c.at) &&
          (c.to === stage ||
            (c.from !== null &&
              FORWARD.indexOf(c.from) >= 0 &&
              FORWARD.indexOf(c.from) < i &&
              FORWARD.indexOf(c.to) > i &&
              i < FORWARD.length)),
      );
    const reached = histories.filter(reachedBy).length;
    const next = i < FORWARD.length - 1 ? ALL[i + 1] : null;
    const reachedNext = next
      ? histories.filter((h) =>
          h.some(
            (c) =>
              inPeriod(c.at) &&
              (c.to === next ||
                (c.from !== null && FORWARD.indexOf(c.from) >= 0 && FORWARD.indexOf(c.from) < i + 1 && FORWARD.indexOf(c.to) > i + 1)),
          ),
        ).length
      : null;
    const stays = histories
      .flatMap((h) => h.slice(0, -1).map((c, j) => ({ stage: c.to, entered: c.at, left: h[j + 1].at })))
      .filter((s) => s.stage === stage && inPeriod(s.left))
      .map((s) => days(s.entered, s.left));
    return {
      stage,
      reached,
      current: histories.filter((h) => h.at(-1)!.to === stage).length,
      conversionToNext: next === null || reached === 0 ? null : reachedNext! / reached,
      avgDaysInStage: mean(stays),
      medianDaysInStage: median(stays),
    };
  });
}

const near = (v: unknown): unknown => (typeof v === 'number' && !Number.isInteger(v) ? expect.closeTo(v, 6) : v);
const nearAll = (rows: Array<Record<string, unknown>>) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, near(v)])));

test('a journey of captures, stage changes and deals gives reports equal to the hand count; a rebuild from Kafka gives them again', async () => {
  const tenant = `an-${randomUUID().slice(0, 8)}`;
  const q = stack.as(tenant, ['sales', 'analyst']);
  const period = { from: new Date(Date.now() - 60_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
  const capture = async (email: string) =>
    (
      await q<{ captureLead: { id: string } }>(`mutation($e: String!) { captureLead(input: { email: $e, source: "web" }) { id } }`, {
        e: email,
      })
    ).data!.captureLead.id;
  const contact = async (id: string) => (await q<{ contact: any }>(CONTACT, { id })).data!.contact;
  const stageOf = async (id: string, stage: string) =>
    eventually(async () => {
      const c = await contact(id);
      return c?.lifecycleStage === stage ? c : undefined;
    }, 60_000);
  const ok = async (query: string, variables: Record<string, unknown>) => {
    const res = await q(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };

  const [a, b, c] = [await capture(`a-${tenant}@x.test`), await capture(`b-${tenant}@x.test`), await capture(`c-${tenant}@x.test`)];
  // a: MQL, SQL (pipeline opens a deal -> OPPORTUNITY), priced 50000 and won (-> CUSTOMER), then an upsell won.
  await ok('mutation($id: ID!) { changeLifecycleStage(input: { contactId: $id, stage: MQL }) { id } }', { id: a });
  await ok('mutation($id: ID!) { changeLifecycleStage(input: { contactId: $id, stage: SQL }) { id } }', { id: a });
  const aDeal = (await stageOf(a, 'OPPORTUNITY')).deals[0].id;
  await ok('mutation($id: ID!) { updateDeal(input: { dealId: $id, amount: 50000 }) { id } }', { id: aDeal });
  await ok('mutation($id: ID!) { winDeal(input: { dealId: $id }) { id } }', { id: aDeal });
  await stageOf(a, 'CUSTOMER');
  const upsell = await ok(
    'mutation($id: ID!) { createDeal(input: { contactId: $id, title: "More seats", amount: 20000, kind: UPSELL }) { id } }',
    { id: a },
  );
  await ok('mutation($id: ID!) { winDeal(input: { dealId: $id }) { id } }', { id: upsell.createDeal.id });
  // b: straight to SQL (skipping MQL), its deal lost -> recycled to MQL.
  await ok('mutation($id: ID!) { changeLifecycleStage(input: { contactId: $id, stage: SQL }) { id } }', { id: b });
  const bDeal = (await stageOf(b, 'OPPORTUNITY')).deals[0].id;
  await ok('mutation($id: ID!) { loseDeal(input: { dealId: $id, reason: "No budget" }) { id } }', { id: bDeal });
  await stageOf(b, 'MQL');
  // c: a deal created by hand moves the lead to OPPORTUNITY; it stays open.
  await ok('mutation($id: ID!) { createDeal(input: { contactId: $id, title: "Pilot", amount: 10000 }) { id } }', { id: c });
  await stageOf(c, 'OPPORTUNITY');

  const contacts = await Promise.all([a, b, c].map(contact));
  const histories: Change[][] = contacts.map((x) => x.stageHistory);
  const deals: Deal[] = contacts.flatMap((x) => x.deals);
  const closed = deals.filter((d) => d.closedAt && d.closedAt >= period.from && d.closedAt < period.to);
  const won = closed.filter((d) => d.status === 'WON');
  const lost = closed.filter((d) => d.status === 'LOST');
  const open = deals.filter((d) => d.status === 'OPEN');
  const wonValue = won.reduce((s, d) => s + d.amount, 0);
  const expected = {
    funnel: nearAll(funnelOf(histories, period.from, period.to)),
    pipeline: {
      currency: 'USD',
      openValue: 10000,
      weightedValue: 1000,
      openDeals: 1,
      wonValue,
      wonCount: won.length,
      lostCount: lost.length,
      winRate: near(won.length / (won.length + lost.length)),
      avgDealSize: wonValue / won.length,
      avgSalesCycleDays: near(mean(won.map((d) => days(d.createdAt, d.closedAt!)))),
      byStage: [{ stageId: open[0].stage.id, stageName: open[0].stage.name, deals: 1, value: 10000, weightedValue: 1000 }],
      lossReasons: [{ reason: 'No budget', count: 1 }],
    },
    retention: {
      customersAtStart: 0,
      newCustomers: 1,
      churned: 0,
      reconquered: 0,
      customersAtEnd: 1,
      churnRate: null,
      repeatPurchaseRate: 1,
      avgLifetimeValue: 70000,
    },
  };
  expect([wonValue, won.length, lost.length, open.length]).toEqual([70000, 2, 1, 1]);

  const reports = async () => {
    const [f, p, r] = await Promise.all([q(FUNNEL, { input: period }), q(PIPELINE, { input: period }), q(RETENTION, { input: period })]);
    return { funnel: f.data?.lifecycleFunnel.stages, pipeline: p.data?.pipelineReport, retention: r.data?.retentionReport };
  };
  const matches = (got: unknown) => {
    try {
      expect(got).toEqual(expected);
      return true;
    } catch {
      return false;
    }
  };
  const live = await eventually(async () => {
    const got = await reports();
    return matches(got) ? got : undefined;
  }, 60_000).catch(async () => reports());
  expect(live).toEqual(expected);
  expect((await contact(a)).journey).toEqual({
    currentStage: 'CUSTOMER',
    stages: histories[0].map((h, i) => ({ stage: h.to, enteredAt: h.at, leftAt: histories[0][i + 1]?.at ?? null })),
  });

  // Rebuild from the Kafka topics (a fresh consumer group from offset 0): the same numbers.
  const admin = stack.as(tenant, ['admin']);
  const rebuilt = await admin<{ rebuildAnalytics: { events: number } }>('mutation { rebuildAnalytics { events } }');
  expect(rebuilt.errors).toBeUndefined();
  expect(rebuilt.data!.rebuildAnalytics.events).toBeGreaterThan(20);
  expect(await reports()).toEqual(live);
  const forbidden = await q('mutation { rebuildAnalytics { events } }');
  expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
}, 240_000);
