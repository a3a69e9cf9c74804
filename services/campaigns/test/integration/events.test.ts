import { randomUUID } from 'node:crypto';
import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src';
import { activeCampaign, ADD, as, deliver, message, ok, outbox, replicaOf, RESPOND, seedContact } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('campaigns_events', createService);
}, 60_000);
afterAll(() => svc?.stop());

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const stageChange = (t: string, id: string, from: any, to: any, at: Date) =>
  message('contact.lifecycle_stage_changed', t, id, { from, to, reason: null, source: 'EVENT', at: at.toISOString() }, at);
const won = (t: string, contactId: string, amount: number, closedAt = new Date(), currency = 'USD', dealId = randomUUID()) =>
  message('deal.won', t, dealId, { contactId, closedAt: closedAt.toISOString(), kind: 'NEW_BUSINESS', amount, currency });

const REVENUE = `query($id: ID!) { campaign(id: $id) { actualCost
  first: influencedRevenue(model: FIRST_TOUCH) last: influencedRevenue(model: LAST_TOUCH) linear: influencedRevenue
  roiFirst: roi(model: FIRST_TOUCH) roi } }`;
const revenue = async (t: string, id: string) => (await svc.call(REVENUE, { id }, as(t, ['analyst']))).data!.campaign;
const memberStatus = async (t: string, campaignId: string, contactId: string) =>
  (
    await svc.service.db.query(
      'SELECT status, converted_at FROM campaign_members WHERE tenant_id = $1 AND campaign_id = $2 AND contact_id = $3',
      [t, campaignId, contactId],
    )
  )[0];

describe('contact replica', () => {
  test('contact.created fills it; duplicates have no second effect; older updates are ignored', async () => {
    const t = 'e-replica';
    const id = randomUUID();
    const created = message(
      'contact.created',
      t,
      id,
      {
        email: 'a@x.io',
        lifecycleStage: 'LEAD',
        source: 'Form',
        ownerId: 'o1',
        industry: 'Software',
        companySize: 40,
        score: 12,
        referrerId: null,
      },
      ago(2),
    );
    await deliver(svc, created, created);
    expect(await replicaOf(svc, t, id)).toMatchObject({
      stage: 'LEAD',
      source: 'form',
      owner_id: 'o1',
      industry: 'Software',
      company_size: 40,
      score: 12,
      churn_risk: false,
    });
    await deliver(svc, message('contact.updated', t, id, { changedFields: ['ownerId'], values: { ownerId: 'o2' } }, ago(1)));
    await deliver(
      svc,
      message(
        'contact.updated',
        t,
        id,
        { changedFields: ['ownerId', 'churnRisk'], values: { ownerId: 'stale', churnRisk: true } },
        ago(1.5),
      ),
    );
    const row = await replicaOf(svc, t, id);
    expect(row).toMatchObject({ owner_id: 'o2', churn_risk: true });
    expect(Object.keys(row.versions).sort()).toEqual([
      'churnRisk',
      'companySize',
      'createdAt',
      'industry',
      'ownerId',
      'referrerId',
      'score',
      'source',
      'stage',
    ]);
  });
  test('a deal.won overtaking contact.created keeps its purchase time; the contact becomes known once created', async () => {
    const t = 'e-replica-order';
    const id = randomUUID();
    const fiveDaysAgo = ago(5);
    await deliver(svc, won(t, id, 100, fiveDaysAgo));
    expect(await replicaOf(svc, t, id)).toMatchObject({ created_at: null });
    await deliver(svc, message('contact.created', t, id, { email: 'b@x.io', lifecycleStage: 'CUSTOMER' }, ago(10)));
    await deliver(svc, won(t, id, 100, ago(20)));
    const row = await replicaOf(svc, t, id);
    expect(row.last_purchase_at.toISOString()).toBe(fiveDaysAgo.toISOString());
    expect(row.created_at).not.toBeNull();
    expect(row.stage).toBe('CUSTOMER');
  });
  test('a run of capture events for several contacts, out of order and repeated, ends as event by event', async () => {
    const t = 'e-replica-run';
    const [a, b] = [randomUUID(), randomUUID()];
    const created = (id: string, email: string) =>
      message('contact.created', t, id, { email, lifecycleStage: 'LEAD', source: 'Ads', score: 3 }, ago(10));
    const score = (id: string, value: number, days: number) =>
      message('contact.score_changed', t, id, { previous: 0, score: value, fit: 1, engagement: 1 }, ago(days));
    const run = [
      created(a, 'ra@x.io'),
      created(b, 'rb@x.io'),
      score(a, 40, 2),
      score(a, 20, 5), // older than the one before it: ignored
      stageChange(t, b, 'LEAD', 'MQL', ago(4)),
      stageChange(t, b, 'MQL', 'CUSTOMER', ago(1)),
      score(b, 55, 3),
    ];
    await deliver(svc, ...run, run[2]);
    // Each contact as the same events would leave it one at a time.
    expect(await replicaOf(svc, t, a)).toMatchObject({ stage: 'LEAD', score: 40, source: 'ads', customer_since: null });
    const rowB = await replicaOf(svc, t, b);
    expect(rowB).toMatchObject({ stage: 'CUSTOMER', score: 55 });
    expect(rowB.customer_since.toISOString()).toBe(new Date(JSON.parse(run[5].value).data.at).toISOString());
    expect(rowB.versions.score).toBe(JSON.parse(run[6].value).occurredAt);
  });
  test('becoming a customer sets customerSince at the stage change', async () => {
    const t = 'e-customer-since';
    const id = await seedContact(svc, t, { stage: 'OPPORTUNITY' });
    const at = ago(3);
    await deliver(svc, stageChange(t, id, 'OPPORTUNITY', 'CUSTOMER', at));
    expect((await replicaOf(svc, t, id)).customer_since.toISOString()).toBe(at.toISOString());
  });
});

describe('conversion', () => {
  test('members who joined before the contact became a CUSTOMER convert; later ones do not; redelivery converts once', async () => {
    const t = 'e-convert';
    const before = await activeCampaign(svc, t, { name: 'before' });
    const id = await seedContact(svc, t, { stage: 'OPPORTUNITY' });
    await ok(svc, ADD, { campaignId: before.id, contactIds: [id] }, as(t));
    const becameCustomer = stageChange(t, id, 'OPPORTUNITY', 'CUSTOMER', new Date());
    const after = await activeCampaign(svc, t, { name: 'after' });
    await ok(svc, ADD, { campaignId: after.id, contactIds: [id] }, as(t));
    await deliver(svc, becameCustomer, becameCustomer);
    expect((await memberStatus(t, before.id, id)).status).toBe('CONVERTED');
    expect((await memberStatus(t, after.id, id)).status).toBe('SENT');
    const converted = (await outbox(svc, 'campaign.member_converted')).filter((e) => e.data.contactId === id);
    expect(converted.map((e) => e.data.campaignId)).toEqual([before.id]);
    // A response after conversion is recorded but the member stays CONVERTED.
    expect((await ok(svc, RESPOND, { campaignId: before.id, contactId: id, type: 'RESPONDED' }, as(t))).status).toBe('CONVERTED');
  });
});

describe('attribution', () => {
  test('a won deal is split over the campaigns touched before the close, under all three models, once per deal', async () => {
    const t = 'e-attr';
    const id = await seedContact(svc, t, { stage: 'OPPORTUNITY' });
    const a = await activeCampaign(svc, t, { name: 'A' });
    const b = await activeCampaign(svc, t, { name: 'B' });
    const eur = await activeCampaign(svc, t, { name: 'EUR', currency: 'EUR' });
    await ok(svc, ADD, { campaignId: b.id, contactIds: [id] }, as(t));
    await ok(svc, ADD, { campaignId: a.id, contactIds: [id] }, as(t));
    await ok(svc, ADD, { campaignId: eur.id, contactIds: [id] }, as(t));
    // B joined first but A was responded to first: A is the first touch.
    await ok(svc, RESPOND, { campaignId: a.id, contactId: id, type: 'CLICKED' }, as(t));
    await new Promise((r) => setImmediate(r));
    await ok(svc, RESPOND, { campaignId: b.id, contactId: id, type: 'RESPONDED' }, as(t));
    await ok(
      svc,
      'mutation($input: RecordCampaignCostInput!) { recordCampaignCost(input: $input) { id } }',
      { campaignId: a.id, amount: 2000 },
      as(t),
    );
    const dealId = randomUUID();
    const deal = won(t, id, 10001, new Date(Date.now() + 1000), 'USD', dealId);
    await deliver(svc, deal, deal);
    // Re-won (a new event for the same deal): still counted once.
    await deliver(svc, won(t, id, 10001, new Date(Date.now() + 2000), 'USD', dealId));
    expect(await revenue(t, a.id)).toEqual({
      actualCost: 2000,
      first: 10001,
      last: 0,
      linear: 5000,
      roiFirst: (10001 - 2000) / 2000,
      roi: 1.5,
    });
    expect(await revenue(t, b.id)).toEqual({ actualCost: 0, first: 0, last: 10001, linear: 5001, roiFirst: null, roi: null });
    expect(await revenue(t, eur.id)).toMatchObject({ first: 0, last: 0, linear: 0 });
    const events = (await outbox(svc, 'campaign.revenue_attributed')).filter((e) => e.key === dealId);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ dealId, contactId: id, amount: 10001, currency: 'USD' });
    expect(events[0].data.touches).toEqual([
      { campaignId: a.id, firstTouch: 10001, lastTouch: 0, linear: 5000 },
      { campaignId: b.id, firstTouch: 0, lastTouch: 10001, linear: 5001 },
    ]);
  });
  test('memberships added after the close are not touches; no touches, no event', async () => {
    const t = 'e-attr-late';
    const id = await seedContact(svc, t);
    const c = await activeCampaign(svc, t);
    await ok(svc, ADD, { campaignId: c.id, contactIds: [id] }, as(t));
    const dealId = randomUUID();
    await deliver(svc, won(t, id, 500, ago(1), 'USD', dealId));
    expect((await revenue(t, c.id)).linear).toBe(0);
    expect((await outbox(svc, 'campaign.revenue_attributed')).filter((e) => e.key === dealId)).toEqual([]);
  });
});

describe('referrals', () => {
  test("a referred contact is credited to the referrer's ACTIVE REFERRAL membership, which converts when the referred becomes a customer", async () => {
    const t = 'e-referral';
    const referrer = await seedContact(svc, t, { stage: 'PROMOTER' });
    const referral = await activeCampaign(svc, t, { name: 'Refer a friend', kind: 'REFERRAL', channel: 'REFERRAL' });
    await ok(svc, ADD, { campaignId: referral.id, contactIds: [referrer] }, as(t));
    const friend = await seedContact(svc, t, { referrerId: referrer });
    const [credit] = await svc.service.db.query('SELECT referrer_id FROM campaign_referrals WHERE tenant_id = $1 AND referred_id = $2', [
      t,
      friend,
    ]);
    expect(credit).toEqual({ referrer_id: referrer });
    expect((await replicaOf(svc, t, friend)).referrer_id).toBe(referrer);
    await deliver(svc, stageChange(t, friend, 'OPPORTUNITY', 'CUSTOMER', new Date()));
    expect((await memberStatus(t, referral.id, referrer)).status).toBe('CONVERTED');
    const converted = (await outbox(svc, 'campaign.member_converted')).filter((e) => e.data.campaignId === referral.id);
    expect(converted.map((e) => e.data.contactId)).toEqual([referrer]);
  });
  test('no active REFERRAL membership: no credit', async () => {
    const t = 'e-referral-none';
    const referrer = await seedContact(svc, t);
    const nurture = await activeCampaign(svc, t);
    await ok(svc, ADD, { campaignId: nurture.id, contactIds: [referrer] }, as(t));
    const friend = await seedContact(svc, t, { referrerId: referrer });
    expect(await svc.service.db.query('SELECT 1 FROM campaign_referrals WHERE tenant_id = $1 AND referred_id = $2', [t, friend])).toEqual(
      [],
    );
  });
});

describe('enrolment rules', () => {
  const CREATE_RULE = `mutation($input: CreateEnrolmentRuleInput!) { createEnrolmentRule(input: $input) { id trigger stage campaign { id } } }`;
  test('deal.won -> ONBOARDING, churn risk -> RETENTION, CHURNED -> RECONQUEST; once each; only ACTIVE campaigns', async () => {
    const t = 'e-enrol';
    const onboarding = await activeCampaign(svc, t, { kind: 'ONBOARDING' });
    const retention = await activeCampaign(svc, t, { kind: 'RETENTION' });
    const reconquest = await activeCampaign(svc, t, { kind: 'RECONQUEST' });
    const draft = await ok(
      svc,
      'mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }',
      { name: 'draft', kind: 'ONBOARDING' },
      as(t),
    );
    const admin = as(t, ['admin']);
    await ok(svc, CREATE_RULE, { trigger: 'DEAL_WON', campaignId: onboarding.id }, admin);
    await ok(svc, CREATE_RULE, { trigger: 'DEAL_WON', campaignId: draft.id }, admin);
    await ok(svc, CREATE_RULE, { trigger: 'CHURN_RISK', campaignId: retention.id }, admin);
    const rule = await ok(svc, CREATE_RULE, { trigger: 'STAGE_REACHED', stage: 'CHURNED', campaignId: reconquest.id }, admin);
    expect(rule).toMatchObject({ trigger: 'STAGE_REACHED', stage: 'CHURNED', campaign: { id: reconquest.id } });
    const id = await seedContact(svc, t, { stage: 'OPPORTUNITY' });
    const deal = won(t, id, 100);
    await deliver(svc, deal, deal, won(t, id, 50));
    await deliver(svc, message('contact.updated', t, id, { changedFields: ['churnRisk'], values: { churnRisk: true } }));
    await deliver(svc, stageChange(t, id, 'CUSTOMER', 'CHURNED', new Date()));
    const rows = await svc.service.db.query('SELECT campaign_id FROM campaign_members WHERE tenant_id = $1 AND contact_id = $2', [t, id]);
    expect(rows.map((r: any) => r.campaign_id).sort()).toEqual([onboarding.id, retention.id, reconquest.id].sort());
    const list = await svc.call('{ enrolmentRules { trigger } }', {}, admin);
    expect(list.data!.enrolmentRules).toHaveLength(4);
  });
  test('admins only; STAGE_REACHED needs a stage; duplicates CONFLICT; delete', async () => {
    const t = 'e-enrol-admin';
    const c = await activeCampaign(svc, t);
    const res = await svc.call(CREATE_RULE, { input: { trigger: 'DEAL_WON', campaignId: c.id } }, as(t, ['marketing']));
    expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await svc.call('{ enrolmentRules { id } }', {}, as(t, ['marketing']))).errors![0].extensions!.code).toBe('FORBIDDEN');
    const admin = as(t, ['admin']);
    const noStage = await svc.call(CREATE_RULE, { input: { trigger: 'STAGE_REACHED', campaignId: c.id } }, admin);
    expect(noStage.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stage' });
    const rule = await ok(svc, CREATE_RULE, { trigger: 'DEAL_WON', campaignId: c.id }, admin);
    const dup = await svc.call(CREATE_RULE, { input: { trigger: 'DEAL_WON', campaignId: c.id } }, admin);
    expect(dup.errors![0].extensions!.code).toBe('CONFLICT');
    const removed = await ok(
      svc,
      'mutation($input: DeleteEnrolmentRuleInput!) { deleteEnrolmentRule(input: $input) { id } }',
      { id: rule.id },
      admin,
    );
    expect(removed.id).toBe(rule.id);
    expect((await svc.call('{ enrolmentRules { id } }', {}, admin)).data!.enrolmentRules).toEqual([]);
  });
});

describe('contact.merged and the Contact entity', () => {
  test('memberships move to the primary; shared campaigns keep the earlier membership with the furthest status', async () => {
    const t = 'e-merge';
    const primary = await seedContact(svc, t);
    const duplicate = await seedContact(svc, t);
    const shared = await activeCampaign(svc, t, { name: 'shared' });
    const only = await activeCampaign(svc, t, { name: 'only dup' });
    await ok(svc, ADD, { campaignId: shared.id, contactIds: [duplicate] }, as(t));
    await ok(svc, ADD, { campaignId: shared.id, contactIds: [primary] }, as(t));
    await ok(svc, ADD, { campaignId: only.id, contactIds: [duplicate] }, as(t));
    await ok(svc, RESPOND, { campaignId: shared.id, contactId: primary, type: 'RESPONDED' }, as(t));
    const [dupRow] = await svc.service.db.query('SELECT id, added_at FROM campaign_members WHERE campaign_id = $1 AND contact_id = $2', [
      shared.id,
      duplicate,
    ]);
    const merged = message('contact.merged', t, primary, { primaryId: primary, duplicateId: duplicate });
    await deliver(svc, merged, merged);
    const rows = await svc.service.db.query(
      'SELECT id, campaign_id, contact_id, status, added_at FROM campaign_members WHERE tenant_id = $1 ORDER BY added_at',
      [t],
    );
    expect(rows.map((r: any) => [r.campaign_id, r.contact_id, r.status])).toEqual([
      [shared.id, primary, 'RESPONDED'],
      [only.id, primary, 'SENT'],
    ]);
    expect(rows[0].id).toBe(dupRow.id);
    const entities = await svc.call(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id campaignMemberships { status campaign { name } contact { id } } } } }`,
      {
        r: [
          { __typename: 'Contact', id: primary },
          { __typename: 'Contact', id: duplicate },
        ],
      },
      as(t, ['sales']),
    );
    expect(entities.data!._entities).toEqual([
      {
        id: primary,
        campaignMemberships: [
          { status: 'RESPONDED', campaign: { name: 'shared' }, contact: { id: primary } },
          { status: 'SENT', campaign: { name: 'only dup' }, contact: { id: primary } },
        ],
      },
      { id: duplicate, campaignMemberships: [] },
    ]);
  });
});
