import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src';
import { as, deliver, failure, message, ok, SEGMENT, seedContact } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('campaigns_segments', createService);
}, 60_000);
afterAll(() => svc?.stop());

const DAY = 86_400_000;
const SEGMENT_VIEW = `query($id: ID!, $first: Int, $after: String) { segment(id: $id) { id name contactCount
  contacts(first: $first, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;

async function view(tenant: string, id: string, first = 50, after?: string) {
  const res = await svc.call(SEGMENT_VIEW, { id, first, after }, as(tenant, ['sales']));
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.segment;
}

const ids = (s: any) => s.contacts.edges.map((e: any) => e.node.id).sort();

test('customers with no purchase for 365 days (RECONQUEST)', async () => {
  const t = 'seg-reconquest';
  const now = Date.now();
  const stale = await seedContact(svc, t, { stage: 'CUSTOMER' });
  const fresh = await seedContact(svc, t, { stage: 'CUSTOMER' });
  const never = await seedContact(svc, t, { stage: 'PROMOTER' });
  await seedContact(svc, t, { stage: 'LEAD' });
  const dealWon = (contactId: string, closedAt: Date) =>
    message('deal.won', t, crypto.randomUUID(), {
      contactId,
      closedAt: closedAt.toISOString(),
      kind: 'NEW_BUSINESS',
      amount: 100,
      currency: 'USD',
    });
  await deliver(
    svc,
    dealWon(stale, new Date(now - 400 * DAY)),
    dealWon(fresh, new Date(now - 400 * DAY)),
    dealWon(fresh, new Date(now - 30 * DAY)),
  );
  const seg = await ok(
    svc,
    SEGMENT,
    {
      name: 'Lapsed customers',
      rules: { stages: ['CUSTOMER', 'PROMOTER'], lastPurchaseBefore: new Date(now - 365 * DAY).toISOString() },
    },
    as(t),
  );
  expect(seg).toMatchObject({ name: 'Lapsed customers', rules: { stages: ['CUSTOMER', 'PROMOTER'] }, contactCount: 2 });
  expect(ids(await view(t, seg.id))).toEqual([stale, never].sort());
});

test('promoters (REFERRAL)', async () => {
  const t = 'seg-promoters';
  const p1 = await seedContact(svc, t, { stage: 'CUSTOMER' });
  await seedContact(svc, t, { stage: 'CUSTOMER' });
  const p2 = await seedContact(svc, t, { stage: 'LEAD' });
  const move = (id: string, from: any, to: any) =>
    message('contact.lifecycle_stage_changed', t, id, { from, to, reason: null, source: 'EVENT', at: new Date().toISOString() });
  await deliver(svc, move(p1, 'CUSTOMER', 'PROMOTER'), move(p2, 'LEAD', 'CUSTOMER'), move(p2, 'CUSTOMER', 'PROMOTER'));
  const seg = await ok(svc, SEGMENT, { name: 'Promoters', rules: { stages: ['PROMOTER'] } }, as(t));
  expect(seg.contactCount).toBe(2);
  expect(ids(await view(t, seg.id))).toEqual([p1, p2].sort());
});

test('MQLs in software with score >= 60; the replica follows score and stage events', async () => {
  const t = 'seg-mql';
  const hit = await seedContact(svc, t, { stage: 'MQL', industry: 'Software', score: 75 });
  const low = await seedContact(svc, t, { stage: 'MQL', industry: 'software', score: 40 });
  await seedContact(svc, t, { stage: 'MQL', industry: 'Retail', score: 90 });
  await seedContact(svc, t, { stage: 'LEAD', industry: 'Software', score: 90 });
  const seg = await ok(
    svc,
    SEGMENT,
    { name: 'Hot software MQLs', rules: { stages: ['MQL'], industries: ['SOFTWARE'], minScore: 60 } },
    as(t),
  );
  expect(seg.contactCount).toBe(1);
  expect(ids(await view(t, seg.id))).toEqual([hit]);
  await deliver(svc, message('contact.score_changed', t, low, { previous: 40, score: 65, fit: 20, engagement: 45 }));
  expect(ids(await view(t, seg.id))).toEqual([hit, low].sort());
  // An older score event (out of order) does not undo the newer one.
  await deliver(
    svc,
    message('contact.score_changed', t, low, { previous: 0, score: 10, fit: 10, engagement: 0 }, new Date(Date.now() - DAY)),
  );
  expect((await view(t, seg.id)).contactCount).toBe(2);
});

test('every other rule, and merged contacts drop out', async () => {
  const t = 'seg-rules';
  const now = Date.now();
  const a = await seedContact(svc, t, {
    stage: 'LEAD',
    source: 'Web_Form',
    ownerId: 'owner-1',
    companySize: 50,
    createdAt: new Date(now - 10 * DAY),
  });
  const b = await seedContact(svc, t, {
    stage: 'LEAD',
    source: 'import',
    ownerId: 'owner-2',
    companySize: 500,
    createdAt: new Date(now - 2 * DAY),
  });
  const count = async (rules: Record<string, unknown>) => (await ok(svc, SEGMENT, { name: 'r', rules }, as(t))).contactCount;
  expect(await count({ sources: ['web_form'] })).toBe(1);
  expect(await count({ ownerIds: ['owner-2'] })).toBe(1);
  expect(await count({ minCompanySize: 100, maxCompanySize: 1000 })).toBe(1);
  expect(await count({ createdAfter: new Date(now - 5 * DAY).toISOString() })).toBe(1);
  expect(await count({ createdBefore: new Date(now - 5 * DAY).toISOString() })).toBe(1);
  expect(await count({ churnRisk: true })).toBe(0);
  await deliver(svc, message('contact.updated', t, a, { changedFields: ['churnRisk'], values: { churnRisk: true } }));
  expect(await count({ churnRisk: true })).toBe(1);
  expect(await count({ lastEngagementBefore: new Date(now).toISOString() })).toBe(2);
  await deliver(
    svc,
    message('contact.updated', t, b, {
      changedFields: ['lastEngagementAt'],
      values: { lastEngagementAt: new Date(now - DAY).toISOString() },
    }),
  );
  expect(await count({ lastEngagementAfter: new Date(now - 3 * DAY).toISOString() })).toBe(1);
  await deliver(svc, message('contact.merged', t, a, { primaryId: a, duplicateId: b }));
  expect(await count({})).toBe(1);
});

test('contacts page through the matching set', async () => {
  const t = 'seg-pages';
  const all: string[] = [];
  for (let i = 0; i < 5; i++) all.push(await seedContact(svc, t, { stage: 'LEAD', createdAt: new Date(Date.now() - i * 1000) }));
  const seg = await ok(svc, SEGMENT, { name: 'Everyone', rules: {} }, as(t));
  const p1 = await view(t, seg.id, 3);
  expect(p1.contacts).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
  const p2 = await view(t, seg.id, 3, p1.contacts.pageInfo.endCursor);
  expect([...ids(p1), ...ids(p2)].sort()).toEqual([...all].sort());
  expect(p2.contacts.pageInfo.hasNextPage).toBe(false);
  const list = await svc.call('{ segments { id name } }', {}, as(t, ['analyst']));
  expect(list.data!.segments).toEqual([{ id: seg.id, name: 'Everyone' }]);
});

test('bad rules are BAD_USER_INPUT naming rules.<field>', async () => {
  const t = 'seg-bad';
  expect(await failure(svc, SEGMENT, { name: 'x', rules: { minScore: 80, maxScore: 10 } }, as(t))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'rules.minScore',
  });
  expect(await failure(svc, SEGMENT, { name: 'x', rules: { industries: [] } }, as(t))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'rules.industries',
  });
  const unknownStage = await svc.call(SEGMENT, { input: { name: 'x', rules: { stages: ['KING'] } } }, as(t));
  expect(unknownStage.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(await failure(svc, SEGMENT, { name: ' ', rules: {} }, as(t))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  expect((await failure(svc, SEGMENT, { name: 'x', rules: {} }, as(t, ['sales']))).code).toBe('FORBIDDEN');
});
