import { randomUUID } from 'node:crypto';
import { eventMessage, startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { runChurnCheck } from '../../src/use-cases/churn';

// leads' reactions to other services' events (the README's lifecycle rules), each delivered through the real
// consumer (idempotency table, transaction) on the in-process transport.
let leads: TestService;
beforeAll(async () => {
  leads = await startTestService('leads_auto', createService);
});
afterAll(() => leads.stop());

const T = 'auto';
const capture = `mutation($email: String!, $source: String) { captureLead(input: { email: $email, source: $source }) { id } }`;
const change = `mutation($input: ChangeLifecycleStageInput!) { changeLifecycleStage(input: $input) { lifecycleStage } }`;

async function contactAt(stage: string, email = `${randomUUID()}@auto.example`): Promise<string> {
  const id = (await leads.call<{ captureLead: { id: string } }>(capture, { email }, { tenantId: T })).data!.captureLead.id;
  if (stage !== 'LEAD') {
    const res = await leads.call(change, { input: { contactId: id, stage, reason: 'test setup' } }, { tenantId: T });
    expect(res.errors).toBeUndefined();
  }
  return id;
}

async function state(id: string) {
  const [c] = await leads.service.db.query(
    'SELECT lifecycle_stage AS stage, churn_risk AS "churnRisk", repeat_purchases AS "repeatPurchases", score FROM contacts WHERE id = $1',
    [id],
  );
  const history = await leads.service.db.query(
    'SELECT from_stage AS "from", to_stage AS "to", source, reason FROM stage_changes WHERE contact_id = $1 ORDER BY seq',
    [id],
  );
  return { ...c, history };
}

const deal = (contactId: string) => ({
  contactId,
  pipelineId: randomUUID(),
  stageId: randomUUID(),
  kind: 'NEW_BUSINESS' as const,
  amount: 5000,
  currency: 'EUR',
});

test('deal.created moves a pre-opportunity contact to OPPORTUNITY; the same event twice moves it once', async () => {
  const id = await contactAt('SQL');
  const msg = eventMessage('deal.created', T, randomUUID(), deal(id), { actor: 'rep-1' });
  await leads.transport.publish([msg]);
  await leads.transport.publish([msg]);
  const s = await state(id);
  expect(s.stage).toBe('OPPORTUNITY');
  expect(s.history.filter((h: { to: string }) => h.to === 'OPPORTUNITY')).toEqual([
    { from: 'SQL', to: 'OPPORTUNITY', source: 'EVENT', reason: 'Deal created' },
  ]);
});

test('deal.won makes a customer; a further won deal is a repeat purchase with no move', async () => {
  const id = await contactAt('OPPORTUNITY');
  const closedAt = new Date().toISOString();
  await leads.transport.publish([
    eventMessage('deal.won', T, randomUUID(), { contactId: id, kind: 'NEW_BUSINESS', closedAt, amount: 100, currency: 'EUR' }),
  ]);
  expect((await state(id)).stage).toBe('CUSTOMER');
  await leads.transport.publish([
    eventMessage('deal.won', T, randomUUID(), { contactId: id, kind: 'UPSELL', closedAt, amount: 50, currency: 'EUR' }),
  ]);
  const s = await state(id);
  expect(s).toMatchObject({ stage: 'CUSTOMER', repeatPurchases: 1 });
  expect(s.history.map((h: { to: string }) => h.to)).toEqual(['LEAD', 'OPPORTUNITY', 'CUSTOMER']);
  const [row] = await leads.service.db.query('SELECT customer_since, last_purchase_at FROM contacts WHERE id = $1', [id]);
  expect(row.last_purchase_at.toISOString()).toBe(closedAt);
  expect(row.customer_since).not.toBeNull();
});

test('deal.won for a disqualified contact re-engages it, then wins it (two legal moves)', async () => {
  const id = await contactAt('DISQUALIFIED');
  await leads.transport.publish([
    eventMessage('deal.won', T, randomUUID(), {
      contactId: id,
      kind: 'NEW_BUSINESS',
      closedAt: new Date().toISOString(),
      amount: 1,
      currency: 'USD',
    }),
  ]);
  const s = await state(id);
  expect(s.stage).toBe('CUSTOMER');
  expect(s.history.slice(-2)).toEqual([
    { from: 'DISQUALIFIED', to: 'LEAD', source: 'EVENT', reason: 'Deal won from a disqualified contact' },
    { from: 'LEAD', to: 'CUSTOMER', source: 'EVENT', reason: 'Deal won from a disqualified contact' },
  ]);
});

test('deal.lost recycles to the tenant recycle stage only when no other deal is open', async () => {
  const id = await contactAt('SQL');
  const [d1, d2] = [randomUUID(), randomUUID()];
  await leads.transport.publish([eventMessage('deal.created', T, d1, deal(id)), eventMessage('deal.created', T, d2, deal(id))]);
  expect((await state(id)).stage).toBe('OPPORTUNITY');
  await leads.transport.publish([eventMessage('deal.lost', T, d1, { contactId: id, reason: 'budget', amount: 5000, currency: 'EUR' })]);
  expect((await state(id)).stage).toBe('OPPORTUNITY'); // d2 still open
  await leads.transport.publish([eventMessage('deal.lost', T, d2, { contactId: id, reason: 'timing', amount: 5000, currency: 'EUR' })]);
  const s = await state(id);
  expect(s.stage).toBe('MQL');
  expect(s.history.at(-1)).toEqual({ from: 'OPPORTUNITY', to: 'MQL', source: 'EVENT', reason: 'Last open deal lost' });
});

test('NPS: 9+ makes a customer a promoter; a detractor score flags churn risk and a later good score clears it', async () => {
  const promoter = await contactAt('CUSTOMER');
  await leads.transport.publish([eventMessage('survey.responded', T, randomUUID(), { contactId: promoter, kind: 'NPS', score: 10 })]);
  expect((await state(promoter)).stage).toBe('PROMOTER');

  const unhappy = await contactAt('CUSTOMER');
  await leads.transport.publish([eventMessage('survey.responded', T, randomUUID(), { contactId: unhappy, kind: 'NPS', score: 3 })]);
  expect(await state(unhappy)).toMatchObject({ stage: 'CUSTOMER', churnRisk: true });
  await leads.transport.publish([eventMessage('survey.responded', T, randomUUID(), { contactId: unhappy, kind: 'CSAT', score: 1 })]);
  expect((await state(unhappy)).churnRisk).toBe(true); // CSAT does not speak for NPS
  await leads.transport.publish([eventMessage('survey.responded', T, randomUUID(), { contactId: unhappy, kind: 'NPS', score: 8 })]);
  expect(await state(unhappy)).toMatchObject({ stage: 'CUSTOMER', churnRisk: false });
});

test('a campaign response adds engagement points and turns a visitor into a lead', async () => {
  const res = await leads.call<{ captureLead: { id: string } }>(
    capture,
    { email: 'anon@auto.example', source: 'page_view' },
    { tenantId: T },
  );
  const id = res.data!.captureLead.id;
  expect((await state(id)).stage).toBe('VISITOR');
  const msg = eventMessage('campaign.response_recorded', T, randomUUID(), {
    campaignId: randomUUID(),
    contactId: id,
    responseType: 'RESPONDED',
  });
  await leads.transport.publish([msg, msg]);
  const s = await state(id);
  expect(s.stage).toBe('LEAD');
  expect(s.score).toBeGreaterThan(0);
  const engagements = await leads.service.db.query('SELECT kind FROM contact_engagements WHERE contact_id = $1', [id]);
  expect(engagements).toEqual([{ kind: 'CAMPAIGN_RESPONSE' }]); // once, despite the redelivery
});

test('an event for an unknown contact changes nothing and does not fail', async () => {
  await leads.transport.publish([eventMessage('deal.created', T, randomUUID(), deal(randomUUID()))]);
  const [dead] = await leads.service.db.query('SELECT count(*)::int AS n FROM crm_dead_letters');
  expect(dead.n).toBe(0);
});

test('the churn rule moves inactive customers (only them) to CHURNED', async () => {
  const inactive = await contactAt('CUSTOMER');
  const active = await contactAt('CUSTOMER');
  const longAgo = new Date(Date.now() - 400 * 86_400_000);
  await leads.service.db.query('UPDATE contacts SET customer_since = $2, last_purchase_at = $2, last_engagement_at = NULL WHERE id = $1', [
    inactive,
    longAgo,
  ]);
  await leads.service.db.query('UPDATE contacts SET customer_since = $2, last_purchase_at = now() WHERE id = $1', [active, longAgo]);
  const churned = await runChurnCheck(leads.service.db);
  expect(churned).toBeGreaterThanOrEqual(1);
  expect((await state(inactive)).history.at(-1)).toEqual({
    from: 'CUSTOMER',
    to: 'CHURNED',
    source: 'RULE',
    reason: 'No purchase or engagement for 180 days',
  });
  expect((await state(active)).stage).toBe('CUSTOMER');
  expect(await runChurnCheck(leads.service.db)).toBe(0); // nothing left to do
});
