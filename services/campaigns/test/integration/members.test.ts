import { randomUUID } from 'node:crypto';
import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src';
import {
  activeCampaign,
  ADD,
  as,
  CANCEL,
  COMPLETE,
  CREATE,
  failure,
  ok,
  outbox,
  replicaOf,
  RESPOND,
  SEGMENT,
  seedContact,
} from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('campaigns_members', createService);
}, 60_000);
afterAll(() => svc?.stop());

const MEMBERS = `query($id: ID!, $status: MemberStatus, $first: Int, $after: String) { campaign(id: $id) {
  stats { members sent opened clicked responded converted }
  members(status: $status, first: $first, after: $after) { totalCount edges { node { id status contact { id } } } pageInfo { hasNextPage endCursor } } } }`;

const membersOf = async (t: string, id: string, vars: Record<string, unknown> = {}) =>
  (await svc.call(MEMBERS, { id, first: 100, ...vars }, as(t, ['analyst']))).data!.campaign;

describe('addCampaignMembers', () => {
  test('by ids and by segment, deduped, once per campaign; member_added per new member', async () => {
    const t = 'm-add';
    const c = await activeCampaign(svc, t);
    const [a, b, x] = [
      await seedContact(svc, t, { stage: 'MQL' }),
      await seedContact(svc, t, { stage: 'MQL' }),
      await seedContact(svc, t, { stage: 'LEAD' }),
    ];
    const seg = await ok(svc, SEGMENT, { name: 'MQLs', rules: { stages: ['MQL'] } }, as(t));
    const first = await ok(svc, ADD, { campaignId: c.id, contactIds: [x, x.toUpperCase()] }, as(t));
    expect(first.stats.members).toBe(1);
    const second = await ok(svc, ADD, { campaignId: c.id, contactIds: [x, a], segmentId: seg.id }, as(t));
    expect(second.stats).toMatchObject({ members: 3, sent: 3 });
    const again = await ok(svc, ADD, { campaignId: c.id, segmentId: seg.id }, as(t));
    expect(again.stats.members).toBe(3);
    const view = await membersOf(t, c.id);
    expect(view.members.edges.map((e: any) => e.node.contact.id).sort()).toEqual([a, b, x].sort());
    const added = (await outbox(svc, 'campaign.member_added')).filter((e) => e.data.campaignId === c.id);
    expect(added.map((e) => e.data.contactId).sort()).toEqual([a, b, x].sort());
    expect(added.every((e) => typeof e.data.addedAt === 'string')).toBe(true);
  });
  test('unknown contact ids are NOT_FOUND naming contactIds; nothing is added', async () => {
    const t = 'm-unknown';
    const c = await activeCampaign(svc, t);
    const known = await seedContact(svc, t);
    const stranger = await seedContact(svc, 'm-other-tenant');
    const err = await failure(svc, ADD, { campaignId: c.id, contactIds: [known, stranger] }, as(t));
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'contactIds', id: stranger });
    expect((await membersOf(t, c.id)).stats.members).toBe(0);
    expect(await failure(svc, ADD, { campaignId: c.id, contactIds: ['nope'] }, as(t))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'contactIds',
    });
    expect(await failure(svc, ADD, { campaignId: c.id }, as(t))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contactIds' });
    expect(await failure(svc, ADD, { campaignId: c.id, segmentId: randomUUID() }, as(t))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'segmentId',
    });
  });
  test('no members for a completed or cancelled campaign; a draft takes them', async () => {
    const t = 'm-closed';
    const id = await seedContact(svc, t);
    const done = await activeCampaign(svc, t);
    await ok(svc, COMPLETE, { campaignId: done.id }, as(t));
    expect(await failure(svc, ADD, { campaignId: done.id, contactIds: [id] }, as(t))).toMatchObject({ code: 'CONFLICT' });
    const cancelled = await ok(svc, CREATE, { name: 'c', kind: 'NURTURE' }, as(t));
    await ok(svc, CANCEL, { campaignId: cancelled.id }, as(t));
    expect(await failure(svc, ADD, { campaignId: cancelled.id, contactIds: [id] }, as(t))).toMatchObject({ code: 'CONFLICT' });
    const draft = await ok(svc, CREATE, { name: 'd', kind: 'NURTURE' }, as(t));
    expect((await ok(svc, ADD, { campaignId: draft.id, contactIds: [id] }, as(t))).stats.members).toBe(1);
  });
});

describe('recordCampaignResponse', () => {
  test('moves forward only, always recorded, timestamps once; emits response_recorded; engagement in the replica', async () => {
    const t = 'm-respond';
    const c = await activeCampaign(svc, t);
    const id = await seedContact(svc, t);
    await ok(svc, ADD, { campaignId: c.id, contactIds: [id] }, as(t));
    const clicked = await ok(svc, RESPOND, { campaignId: c.id, contactId: id, type: 'CLICKED' }, as(t));
    expect(clicked).toMatchObject({ status: 'CLICKED', openedAt: null, respondedAt: null, contact: { id }, campaign: { id: c.id } });
    expect(clicked.clickedAt).not.toBeNull();
    const opened = await ok(svc, RESPOND, { campaignId: c.id, contactId: id, type: 'OPENED' }, as(t));
    expect(opened.status).toBe('CLICKED');
    expect(opened.openedAt).not.toBeNull();
    const again = await ok(svc, RESPOND, { campaignId: c.id, contactId: id, type: 'CLICKED' }, as(t));
    expect(again.clickedAt).toBe(clicked.clickedAt);
    const responded = await ok(svc, RESPOND, { campaignId: c.id, contactId: id, type: 'RESPONDED' }, as(t));
    expect(responded.status).toBe('RESPONDED');
    const [{ n }] = await svc.service.db.query('SELECT count(*)::int AS n FROM campaign_responses WHERE member_id = $1', [clicked.id]);
    expect(n).toBe(4);
    const events = (await outbox(svc, 'campaign.response_recorded')).filter((e) => e.key === clicked.id).map((e) => e.data);
    expect(events).toEqual([
      { campaignId: c.id, contactId: id, responseType: 'CLICKED', status: 'CLICKED' },
      { campaignId: c.id, contactId: id, responseType: 'OPENED', status: 'CLICKED' },
      { campaignId: c.id, contactId: id, responseType: 'CLICKED', status: 'CLICKED' },
      { campaignId: c.id, contactId: id, responseType: 'RESPONDED', status: 'RESPONDED' },
    ]);
    expect((await replicaOf(svc, t, id)).last_engagement_at.toISOString()).toBe(responded.respondedAt);
    expect((await membersOf(t, c.id, { status: 'RESPONDED' })).members.totalCount).toBe(1);
    expect((await membersOf(t, c.id, { status: 'SENT' })).members.totalCount).toBe(0);
    expect((await membersOf(t, c.id)).stats).toEqual({ members: 1, sent: 0, opened: 0, clicked: 0, responded: 1, converted: 0 });
  });
  test('not a member: NOT_FOUND naming contactId', async () => {
    const t = 'm-respond-404';
    const c = await activeCampaign(svc, t);
    const id = await seedContact(svc, t);
    expect(await failure(svc, RESPOND, { campaignId: c.id, contactId: id, type: 'OPENED' }, as(t))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'contactId',
    });
    expect(await failure(svc, RESPOND, { campaignId: randomUUID(), contactId: id, type: 'OPENED' }, as(t))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'campaignId',
    });
  });
});
