import { eventually } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

// Campaigns across services, through the gateway, over a real Kafka broker: campaigns reads
// contacts only from leads' events (its replica), leads scores campaign responses, pipeline's
// won deals are attributed, and a promoter's referral converts.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ kafka: true });
}, 120_000);
afterAll(() => stack?.stop(), 60_000);

type Q = ReturnType<TestStack['as']>;
const ROLES = ['marketing', 'sales'] as const;

async function must<T = any>(q: Q, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await q(query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return Object.values(res.data!)[0] as T;
}

const capture = (q: Q, input: Record<string, unknown>) =>
  must<{ id: string }>(q, 'mutation($input: CaptureLeadInput!) { captureLead(input: $input) { id } }', { input });
const stage = (q: Q, contactId: string, to: string) =>
  must(q, 'mutation($input: ChangeLifecycleStageInput!) { changeLifecycleStage(input: $input) { lifecycleStage } }', {
    input: { contactId, stage: to },
  });
const respond = (q: Q, campaignId: string, contactId: string, type: string) =>
  must(q, 'mutation($input: RecordCampaignResponseInput!) { recordCampaignResponse(input: $input) { status } }', {
    input: { campaignId, contactId, type },
  });

async function launched(q: Q, input: Record<string, unknown>): Promise<string> {
  const c = await must<{ id: string }>(q, 'mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }', { input });
  await must(q, 'mutation($input: LaunchCampaignInput!) { launchCampaign(input: $input) { status } }', { input: { campaignId: c.id } });
  return c.id;
}

/** Adds contacts once campaigns' replica knows them (contact.created travels over Kafka). */
async function addMembers(q: Q, campaignId: string, input: { contactIds?: string[]; segmentId?: string }, expected: number) {
  return eventually(async () => {
    const res = await q<{ addCampaignMembers: { stats: { members: number } } }>(
      'mutation($input: AddCampaignMembersInput!) { addCampaignMembers(input: $input) { stats { members } } }',
      { input: { campaignId, ...input } },
    );
    return res.data?.addCampaignMembers.stats.members === expected ? res.data.addCampaignMembers : undefined;
  }, 60_000);
}

test('a campaign response adds engagement that makes the lead an MQL', async () => {
  const q = stack.as('camp-mql', [...ROLES, 'admin']);
  const settings = await must<{ scoringRules: any }>(q, '{ leadSettings { scoringRules } }');
  const scoringRules = {
    ...settings.scoringRules,
    mqlThreshold: 50,
    engagement: { ...settings.scoringRules.engagement, CAMPAIGN_RESPONSE: 60 },
  };
  await must(q, 'mutation($input: UpdateLeadSettingsInput!) { updateLeadSettings(input: $input) { mqlThreshold } }', {
    input: { scoringRules },
  });
  const lead = await capture(q, { email: 'reader@camp.example' });
  const campaignId = await launched(q, { name: 'Nurture', kind: 'NURTURE', channel: 'EMAIL' });
  await addMembers(q, campaignId, { contactIds: [lead.id] }, 1);
  expect(await respond(q, campaignId, lead.id, 'RESPONDED')).toEqual({ status: 'RESPONDED' });
  const contact = await eventually(async () => {
    const res = await q<{ contact: any }>(
      `query($id: ID!) { contact(id: $id) { lifecycleStage score
      campaignMemberships { status campaign { id name } } } }`,
      { id: lead.id },
    );
    return res.data?.contact.lifecycleStage === 'MQL' ? res.data.contact : undefined;
  }, 60_000);
  expect(contact.score).toBeGreaterThanOrEqual(50);
  expect(contact.campaignMemberships).toEqual([{ status: 'RESPONDED', campaign: { id: campaignId, name: 'Nurture' } }]);
}, 180_000);

test('a won deal is attributed to the two campaigns that touched the contact, under all three models', async () => {
  const q = stack.as('camp-attr', [...ROLES]);
  const buyer = await capture(q, { email: 'buyer@camp.example' });
  const webinar = await launched(q, { name: 'Webinar', kind: 'NURTURE', channel: 'WEBINAR' });
  const ads = await launched(q, { name: 'Ads', kind: 'ACQUISITION', channel: 'ADS' });
  await addMembers(q, webinar, { contactIds: [buyer.id] }, 1);
  await addMembers(q, ads, { contactIds: [buyer.id] }, 1);
  await respond(q, webinar, buyer.id, 'CLICKED');
  await respond(q, ads, buyer.id, 'RESPONDED');
  await must(q, 'mutation($input: RecordCampaignCostInput!) { recordCampaignCost(input: $input) { actualCost } }', {
    input: { campaignId: ads, amount: 2500 },
  });
  const amount = 10_001;
  const deal = await must<{ id: string }>(q, 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }', {
    input: { contactId: buyer.id, title: 'First order', amount, currency: 'USD' },
  });
  await must(q, 'mutation($input: WinDealInput!) { winDeal(input: $input) { status } }', { input: { dealId: deal.id } });
  const view = `query($id: ID!) { campaign(id: $id) { first: influencedRevenue(model: FIRST_TOUCH) last: influencedRevenue(model: LAST_TOUCH)
    linear: influencedRevenue(model: LINEAR) roi(model: LINEAR) stats { members converted } } }`;
  const [w, a] = await eventually(async () => {
    const both = await Promise.all([webinar, ads].map(async (id) => (await q<{ campaign: any }>(view, { id })).data?.campaign));
    return both.every((c) => c && c.linear > 0 && c.stats.converted === 1) ? both : undefined;
  }, 60_000);
  expect(w).toEqual({ first: amount, last: 0, linear: 5000, roi: null, stats: { members: 1, converted: 1 } });
  expect(a).toEqual({ first: 0, last: amount, linear: 5001, roi: (5001 - 2500) / 2500, stats: { members: 1, converted: 1 } });
  for (const model of ['first', 'last', 'linear'] as const) expect(w[model] + a[model]).toBe(amount);
}, 180_000);

test("a promoter's referral converting credits the promoter's REFERRAL membership", async () => {
  const q = stack.as('camp-referral', [...ROLES]);
  const promoter = await capture(q, { email: 'fan@camp.example' });
  await stage(q, promoter.id, 'CUSTOMER');
  await stage(q, promoter.id, 'PROMOTER');
  const referral = await launched(q, { name: 'Refer a friend', kind: 'REFERRAL', channel: 'REFERRAL' });
  const segment = await must<{ id: string }>(q, 'mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id } }', {
    input: { name: 'Promoters', rules: { stages: ['PROMOTER'] } },
  });
  await eventually(
    async () =>
      (await q<{ segment: any }>('query($id: ID!) { segment(id: $id) { contactCount } }', { id: segment.id })).data?.segment
        .contactCount === 1,
    60_000,
  );
  // Segment.contacts are Contact references: leads resolves their fields through the gateway.
  const members = await must(q, 'query($id: ID!) { segment(id: $id) { contacts { edges { node { email lifecycleStage } } } } }', {
    id: segment.id,
  });
  expect(members).toEqual({ contacts: { edges: [{ node: { email: 'fan@camp.example', lifecycleStage: 'PROMOTER' } }] } });
  await addMembers(q, referral, { segmentId: segment.id }, 1);
  const friend = await capture(q, { email: 'friend@camp.example', referrerId: promoter.id });
  const referred = await must(q, 'query($id: ID!) { contact(id: $id) { referredBy { id } } }', { id: friend.id });
  expect(referred).toEqual({ referredBy: { id: promoter.id } });
  // campaigns records the referral from contact.created; give it time before the friend buys.
  await eventually(async () => {
    const res = await q<{ contact: any }>('query($id: ID!) { contact(id: $id) { referrals } }', { id: promoter.id });
    return res.data?.contact.referrals === 1;
  }, 60_000);
  await stage(q, friend.id, 'CUSTOMER');
  const membership = await eventually(async () => {
    const res = await q<{ contact: any }>(
      'query($id: ID!) { contact(id: $id) { campaignMemberships { status convertedAt campaign { id stats { converted } } } } }',
      { id: promoter.id },
    );
    const m = res.data?.contact.campaignMemberships?.[0];
    return m?.status === 'CONVERTED' ? m : undefined;
  }, 60_000);
  expect(membership).toMatchObject({ campaign: { id: referral, stats: { converted: 1 } } });
  expect(membership.convertedAt).not.toBeNull();
}, 180_000);
