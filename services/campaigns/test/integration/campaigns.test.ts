import { randomUUID } from 'node:crypto';
import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src';
import { as, CANCEL, COMPLETE, COST, CREATE, failure, LAUNCH, ok, outbox, PAUSE } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('campaigns_ops', createService);
}, 60_000);
afterAll(() => svc?.stop());

describe('createCampaign', () => {
  test('a DRAFT with its fields; the creation is a status change from null', async () => {
    const c = await ok(
      svc,
      CREATE,
      { name: ' Spring webinar ', kind: 'NURTURE', channel: 'WEBINAR', budget: 500000, currency: 'eur', startsAt: '2026-03-01T00:00:00Z' },
      as('c-create'),
    );
    expect(c).toMatchObject({
      name: 'Spring webinar',
      kind: 'NURTURE',
      channel: 'WEBINAR',
      status: 'DRAFT',
      budget: 500000,
      actualCost: 0,
      currency: 'EUR',
      startsAt: '2026-03-01T00:00:00.000Z',
      endsAt: null,
    });
    expect(c.stats).toEqual({ members: 0, sent: 0, opened: 0, clicked: 0, responded: 0, converted: 0 });
    const events = (await outbox(svc, 'campaign.status_changed')).filter((e) => e.key === c.id);
    expect(events.map((e) => e.data)).toEqual([{ from: null, to: 'DRAFT', name: 'Spring webinar', kind: 'NURTURE', channel: 'WEBINAR' }]);
  });
  test.each([
    [{ name: '', kind: 'NURTURE' }, 'name'],
    [{ name: 'x', kind: 'NURTURE', currency: 'EURO' }, 'currency'],
    [{ name: 'x', kind: 'NURTURE', budget: -5 }, 'budget'],
    [{ name: 'x', kind: 'NURTURE', startsAt: '2026-03-01T00:00:00Z', endsAt: '2026-02-01T00:00:00Z' }, 'endsAt'],
  ])('%j is BAD_USER_INPUT on %s', async (input, field) => {
    expect(await failure(svc, CREATE, input, as('c-bad'))).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
  test('roles: marketing and admin write; sales and analyst read only; support neither', async () => {
    const denied = await svc.call('{ campaigns { totalCount } }', {}, as('c-roles', ['support']));
    expect(denied.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', operation: 'campaigns', requiredScope: 'campaigns:read' });
    for (const role of ['sales', 'analyst'] as const) {
      expect((await failure(svc, CREATE, { name: 'x', kind: 'NURTURE' }, as('c-roles', [role]))).code).toBe('FORBIDDEN');
      const read = await svc.call('{ campaigns { totalCount } }', {}, as('c-roles', [role]));
      expect(read.errors).toBeUndefined();
    }
    await ok(svc, CREATE, { name: 'x', kind: 'NURTURE' }, as('c-roles', ['admin']));
    expect(
      (await svc.call('{ campaigns { totalCount } }', {}, { tenantId: 'c-roles', roles: [], scopes: ['campaigns:read'] })).data,
    ).toEqual({ campaigns: { totalCount: 1 } });
    expect(
      (await failure(svc, CREATE, { name: 'x', kind: 'NURTURE' }, { tenantId: 'c-roles', roles: [], scopes: ['campaigns:read'] })).code,
    ).toBe('FORBIDDEN');
  });
});

describe('status machine', () => {
  test('DRAFT -> ACTIVE -> PAUSED -> ACTIVE -> COMPLETED, each emitted; launched once', async () => {
    const t = 'c-status';
    const c = await ok(svc, CREATE, { name: 'Flow', kind: 'ACQUISITION', channel: 'ADS', budget: 1000 }, as(t));
    expect((await ok(svc, LAUNCH, { campaignId: c.id }, as(t))).status).toBe('ACTIVE');
    expect((await ok(svc, PAUSE, { campaignId: c.id }, as(t))).status).toBe('PAUSED');
    expect((await ok(svc, LAUNCH, { campaignId: c.id }, as(t))).status).toBe('ACTIVE');
    expect((await ok(svc, COMPLETE, { campaignId: c.id }, as(t))).status).toBe('COMPLETED');
    const changes = (await outbox(svc, 'campaign.status_changed')).filter((e) => e.key === c.id).map((e) => `${e.data.from}>${e.data.to}`);
    expect(changes).toEqual(['null>DRAFT', 'DRAFT>ACTIVE', 'ACTIVE>PAUSED', 'PAUSED>ACTIVE', 'ACTIVE>COMPLETED']);
    const launched = (await outbox(svc, 'campaign.launched')).filter((e) => e.key === c.id);
    expect(launched.map((e) => e.data)).toEqual([{ name: 'Flow', kind: 'ACQUISITION', channel: 'ADS', budget: 1000, currency: 'USD' }]);
  });
  test.each([
    ['COMPLETED', 'ACTIVE'],
    ['COMPLETED', 'CANCELLED'],
    ['DRAFT', 'PAUSED'],
    ['DRAFT', 'COMPLETED'],
    ['ACTIVE', 'CANCELLED'],
    ['CANCELLED', 'ACTIVE'],
  ])('%s -> %s is CONFLICT with from/to', async (from, to) => {
    const mutation = { ACTIVE: LAUNCH, PAUSED: PAUSE, COMPLETED: COMPLETE, CANCELLED: CANCEL }[to]!;
    const t = `c-conflict-${randomUUID().slice(0, 8)}`;
    const c = await ok(svc, CREATE, { name: 'x', kind: 'RETENTION' }, as(t));
    if (from !== 'DRAFT') {
      if (from === 'CANCELLED') await ok(svc, CANCEL, { campaignId: c.id }, as(t));
      else await ok(svc, LAUNCH, { campaignId: c.id }, as(t));
      if (from === 'COMPLETED') await ok(svc, COMPLETE, { campaignId: c.id }, as(t));
    }
    expect(await failure(svc, mutation, { campaignId: c.id }, as(t))).toMatchObject({ code: 'CONFLICT', from, to });
  });
  test('an unknown or malformed campaign id', async () => {
    expect(await failure(svc, LAUNCH, { campaignId: randomUUID() }, as('c-404'))).toMatchObject({ code: 'NOT_FOUND', field: 'campaignId' });
    expect(await failure(svc, LAUNCH, { campaignId: 'nope' }, as('c-404'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'campaignId' });
  });
  test("another tenant's campaign is not found", async () => {
    const c = await ok(svc, CREATE, { name: 'mine', kind: 'NURTURE' }, as('c-owner'));
    expect((await failure(svc, LAUNCH, { campaignId: c.id }, as('c-intruder'))).code).toBe('NOT_FOUND');
    expect((await svc.call('query($id: ID!) { campaign(id: $id) { id } }', { id: c.id }, as('c-intruder'))).data).toEqual({
      campaign: null,
    });
  });
});

describe('recordCampaignCost', () => {
  test('entries add up to actualCost, each emitted with the running total', async () => {
    const t = 'c-cost';
    const c = await ok(svc, CREATE, { name: 'Ads', kind: 'ACQUISITION', currency: 'GBP' }, as(t));
    await ok(svc, COST, { campaignId: c.id, amount: 1250, note: 'week 1' }, as(t));
    const after = await ok(svc, COST, { campaignId: c.id, amount: 750 }, as(t));
    expect(after.actualCost).toBe(2000);
    expect(after.costs).toEqual([
      { amount: 750, note: null, recordedBy: `u-${t}` },
      { amount: 1250, note: 'week 1', recordedBy: `u-${t}` },
    ]);
    const events = (await outbox(svc, 'campaign.cost_recorded')).filter((e) => e.key === c.id).map((e) => e.data);
    expect(events).toEqual([
      { campaignId: c.id, amount: 1250, currency: 'GBP', actualCost: 1250, note: 'week 1' },
      { campaignId: c.id, amount: 750, currency: 'GBP', actualCost: 2000, note: null },
    ]);
    expect(await failure(svc, COST, { campaignId: c.id, amount: 0 }, as(t))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
  });
});

describe('campaigns query', () => {
  test('filters by status, kind and channel; pages newest first', async () => {
    const t = 'c-list';
    const a = await ok(svc, CREATE, { name: 'a', kind: 'NURTURE', channel: 'EMAIL' }, as(t));
    const b = await ok(svc, CREATE, { name: 'b', kind: 'REFERRAL', channel: 'REFERRAL' }, as(t));
    const c = await ok(svc, CREATE, { name: 'c', kind: 'NURTURE', channel: 'SOCIAL' }, as(t));
    await ok(svc, LAUNCH, { campaignId: c.id }, as(t));
    const list = async (filter: Record<string, unknown>, first = 10, after?: string) =>
      (
        await svc.call(
          `query($f: CampaignFilter, $first: Int, $after: String) { campaigns(filter: $f, first: $first, after: $after) {
        totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }`,
          { f: filter, first, after },
          as(t, ['analyst']),
        )
      ).data!.campaigns;
    expect((await list({})).edges.map((e: any) => e.node.name)).toEqual(['c', 'b', 'a']);
    expect((await list({ kind: 'NURTURE' })).edges.map((e: any) => e.node.name)).toEqual(['c', 'a']);
    expect((await list({ status: 'ACTIVE' })).edges.map((e: any) => e.node.name)).toEqual(['c']);
    expect((await list({ channel: 'REFERRAL' })).edges.map((e: any) => e.node.name)).toEqual(['b']);
    const page1 = await list({}, 2);
    expect(page1).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const page2 = await list({}, 2, page1.pageInfo.endCursor);
    expect(page2.edges.map((e: any) => e.node.name)).toEqual(['a']);
    expect([a.id, b.id]).toHaveLength(2);
  });
});
