import { randomUUID } from 'node:crypto';
import { lifecycleFunnel } from '@crm/analytics';
import { startTestStack, TestStack } from './helpers';
import { seedTenant } from '../src/seed/demo';
import type { SeedSummary } from '../src/seed/run';

// The demo seed on fresh databases (in-process events, as npm start): 250 contacts through the
// real use cases, then what each service holds, and analytics' funnel over the 18 months.
const END = new Date('2026-06-01T00:00:00Z');
const START = new Date('2024-12-01T00:00:00Z');
const tenantId = `seed_${randomUUID().slice(0, 8)}`;
let stack: TestStack;
let summary: SeedSummary;

beforeAll(async () => {
  stack = await startTestStack();
  summary = await seedTenant(stack, { tenantId, contacts: 250, months: 18, seed: 42, end: END });
}, 240_000);
afterAll(() => stack?.stop(), 60_000);

const q = (service: keyof TestStack['services'], sql: string) => stack.services[service].db.query(sql, [tenantId]);

test('every contact is captured, and the stages the summary reports are the rows', async () => {
  const rows: Array<{ stage: string; n: number }> = await q(
    'leads',
    'SELECT lifecycle_stage AS stage, count(*)::int AS n FROM contacts WHERE tenant_id = $1 GROUP BY 1',
  );
  const stages = Object.fromEntries(rows.map((r) => [r.stage, r.n]));
  expect(summary.contacts).toBe(250);
  expect(stages).toEqual(summary.stages);
  for (const stage of ['LEAD', 'MQL', 'OPPORTUNITY', 'CUSTOMER', 'DISQUALIFIED'])
    expect({ stage, some: (stages[stage] ?? 0) > 0 }).toEqual({ stage, some: true });
  expect(summary.deadLetters).toBe(0);
});

test('contacts have companies, industries, job titles and sources, captured over the 18 months', async () => {
  const [row] = await q(
    'leads',
    `SELECT count(*) FILTER (WHERE c.company_id IS NOT NULL AND co.industry IS NOT NULL AND c.job_title IS NOT NULL AND c.source IS NOT NULL)::int AS complete,
    count(DISTINCT date_trunc('month', s.at))::int AS months, min(s.at) AS first, max(s.at) AS last
    FROM contacts c LEFT JOIN companies co ON co.id = c.company_id JOIN stage_changes s ON s.contact_id = c.id AND s.from_stage IS NULL
    WHERE c.tenant_id = $1`,
  );
  expect(row.complete).toBe(250);
  expect(row.months).toBeGreaterThanOrEqual(15);
  expect(new Date(row.first) >= START && new Date(row.last) < END).toBe(true);
});

test('deals were won and lost (with reasons), tickets and surveys exist, campaigns launched with costs', async () => {
  const deals: Array<{ status: string; reason: string | null; closed: string | null }> = await q(
    'pipeline',
    'SELECT status, lost_reason AS reason, closed_at AS closed FROM deals WHERE tenant_id = $1',
  );
  expect(deals.filter((d) => d.status === 'WON').length).toBeGreaterThan(0);
  const lost = deals.filter((d) => d.status === 'LOST');
  expect(lost.length).toBeGreaterThan(0);
  expect(lost.every((d) => d.reason)).toBe(true);
  expect(deals.every((d) => d.closed === null || (new Date(d.closed) >= START && new Date(d.closed) < END))).toBe(true);
  const [created] = await q('pipeline', 'SELECT min(created_at) AS first, max(created_at) AS last FROM deals WHERE tenant_id = $1');
  expect(new Date(created.first) >= START && new Date(created.last) < END).toBe(true);
  // Placed in time, not created at the moment the seed ran.
  expect(new Date(created.first) < new Date('2025-09-01T00:00:00Z')).toBe(true);
  const [tickets] = await q(
    'tickets',
    'SELECT count(*)::int AS n, count(first_responded_at)::int AS responded, count(resolved_at)::int AS resolved FROM tickets WHERE tenant_id = $1',
  );
  expect(tickets.n).toBeGreaterThan(0);
  expect(tickets.responded).toBeGreaterThan(0);
  const surveys: Array<{ kind: string }> = await q('tickets', 'SELECT kind FROM survey_responses WHERE tenant_id = $1');
  expect(new Set(surveys.map((s) => s.kind))).toEqual(new Set(['CSAT', 'NPS']));
  const [campaigns] = await q(
    'campaigns',
    "SELECT count(*)::int AS n, count(*) FILTER (WHERE status <> 'DRAFT')::int AS launched, sum(actual_cost)::int AS cost FROM campaigns WHERE tenant_id = $1",
  );
  expect(campaigns).toEqual({ n: 8, launched: 8, cost: expect.any(Number) });
  expect(campaigns.cost).toBeGreaterThan(0);
});

test("analytics' lifecycleFunnel over the 18 months reports reached counts for the whole funnel", async () => {
  const rows = await lifecycleFunnel(stack.services.analytics.db.manager, { tenantId, from: START, to: END });
  const reached = Object.fromEntries(rows.map((r) => [r.stage, r.reached]));
  for (const stage of ['LEAD', 'MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER'])
    expect({ stage, reached: reached[stage] > 0 }).toEqual({ stage, reached: true });
  // The spread: reaches in the first half of the period too, not only at the end.
  const firstHalf = await lifecycleFunnel(stack.services.analytics.db.manager, {
    tenantId,
    from: START,
    to: new Date('2025-09-01T00:00:00Z'),
  });
  expect(firstHalf.find((r) => r.stage === 'LEAD')!.reached).toBeGreaterThan(0);
  expect(firstHalf.find((r) => r.stage === 'LEAD')!.reached).toBeLessThan(reached.LEAD);
});

test('the automatic SQL deal setting is back as it was', async () => {
  const [row] = await q('pipeline', 'SELECT auto_create_deal_on_sql AS auto FROM pipeline_settings WHERE tenant_id = $1');
  expect(row.auto).toBe(true);
});
