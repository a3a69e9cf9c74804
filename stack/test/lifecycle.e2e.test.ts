import { eventually } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

// The lifecycle across services, through the gateway, over a real Kafka broker:
// SQL in leads -> pipeline opens a deal -> leads moves the contact to OPPORTUNITY ->
// the deal is won -> leads makes the contact a CUSTOMER; analytics follows every step.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ kafka: true });
}, 120_000);
afterAll(() => stack?.stop(), 60_000);

const contactView = `query($id: ID!) {
  contact(id: $id) {
    lifecycleStage
    stageHistory { from to source }
    deals { id title status amount currency stage { name probability } }
    openDealValue { amount currency }
  }
}`;

test('SQL -> automatic deal -> OPPORTUNITY -> won -> CUSTOMER, one graph', async () => {
  const q = stack.as('journey', ['sales', 'analyst']);
  const created = await q<{ captureLead: { id: string } }>(
    `mutation { captureLead(input: { email: "buyer@journey.example", firstName: "Bo" }) { id } }`,
  );
  const id = created.data!.captureLead.id;
  const sql = await q(`mutation($id: ID!) { changeLifecycleStage(input: { contactId: $id, stage: SQL }) { lifecycleStage } }`, { id });
  expect(sql.errors).toBeUndefined();

  // pipeline reacts to the stage change with a deal; leads reacts to deal.created.
  const opportunity = await eventually(async () => {
    const res = await q<{ contact: any }>(contactView, { id });
    const c = res.data?.contact;
    return c?.lifecycleStage === 'OPPORTUNITY' && c.deals.length === 1 ? c : undefined;
  }, 60_000);
  expect(opportunity.deals[0]).toMatchObject({ status: 'OPEN', stage: { name: 'Prospecting', probability: 10 } });
  expect(opportunity.stageHistory.map((h: { to: string; source: string }) => `${h.to}:${h.source}`)).toEqual([
    'LEAD:API',
    'SQL:API',
    'OPPORTUNITY:EVENT',
  ]);

  const dealId = opportunity.deals[0].id;
  const priced = await q(`mutation($id: ID!) { updateDeal(input: { dealId: $id, amount: 120000, currency: "EUR" }) { amount currency } }`, {
    id: dealId,
  });
  expect(priced.errors).toBeUndefined();
  const won = await q(`mutation($id: ID!) { winDeal(input: { dealId: $id }) { status closedAt } }`, { id: dealId });
  expect(won.errors).toBeUndefined();

  const customer = await eventually(async () => {
    const res = await q<{ contact: any }>(contactView, { id });
    return res.data?.contact.lifecycleStage === 'CUSTOMER' ? res.data.contact : undefined;
  }, 60_000);
  expect(customer.deals).toEqual([expect.objectContaining({ status: 'WON', amount: 120000, currency: 'EUR' })]);
  expect(customer.openDealValue).toEqual([]);
  expect(customer.stageHistory.at(-1)).toEqual({ from: 'OPPORTUNITY', to: 'CUSTOMER', source: 'EVENT' });

  const stages = await eventually(async () => {
    const res = await q<{ contactsByStage: Array<{ stage: string; contacts: number }> }>('{ contactsByStage { stage contacts } }');
    return res.data?.contactsByStage.find((s) => s.stage === 'CUSTOMER')?.contacts === 1 ? res.data.contactsByStage : undefined;
  }, 60_000);
  expect(stages.filter((s) => s.contacts > 0)).toEqual([{ stage: 'CUSTOMER', contacts: 1 }]);
}, 180_000);

test('a lost last deal recycles the contact to MQL', async () => {
  const q = stack.as('journey-lost', ['sales']);
  const id = (await q<{ captureLead: { id: string } }>(`mutation { captureLead(input: { email: "maybe@journey.example" }) { id } }`)).data!
    .captureLead.id;
  await q(`mutation($id: ID!) { changeLifecycleStage(input: { contactId: $id, stage: SQL }) { lifecycleStage } }`, { id });
  const deal = await eventually(async () => (await q<{ contact: any }>(contactView, { id })).data?.contact.deals[0], 60_000);
  const lost = await q(`mutation($id: ID!) { loseDeal(input: { dealId: $id, reason: "No budget this year" }) { status lostReason } }`, {
    id: deal.id,
  });
  expect(lost.data).toEqual({ loseDeal: { status: 'LOST', lostReason: 'No budget this year' } });
  const recycled = await eventually(async () => {
    const c = (await q<{ contact: any }>(contactView, { id })).data?.contact;
    return c?.lifecycleStage === 'MQL' ? c : undefined;
  }, 60_000);
  expect(recycled.stageHistory.at(-1)).toEqual({ from: 'OPPORTUNITY', to: 'MQL', source: 'EVENT' });
}, 180_000);
