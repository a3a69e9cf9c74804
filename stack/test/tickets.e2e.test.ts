import { randomUUID } from 'node:crypto';
import { signIdentity } from '@crm/service-kit';
import { detectSlaBreaches } from '@crm/tickets';
import { eventually, graphql, postGraphQL, TEST_SUBGRAPH_SECRET } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

// Support through the gateway over a real Kafka broker: leads announces contacts to tickets'
// replica; a ticket's life with its SLA; a breach found by the job; NPS answers flowing back
// to leads (PROMOTER, churn risk); and tenant isolation, _entities included.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ kafka: true });
}, 120_000);
afterAll(() => stack?.stop(), 60_000);

type Q = ReturnType<TestStack['as']>;
const SLA =
  'sla { firstResponseDueAt firstRespondedAt firstResponseBreached resolutionDueAt resolvedAt resolutionBreached breached paused remainingMinutes }';
const OPEN = `mutation($input: OpenTicketInput!) { openTicket(input: $input) { id status ${SLA} createdAt } }`;
const ALL_WEEK = '[MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]';

async function must<T = any>(q: Q, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await q(query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return Object.values(res.data!)[0] as T;
}

/** A lead captured in leads, known to tickets once contact.created has crossed Kafka. */
async function contactKnownToTickets(q: Q, email: string): Promise<string> {
  const id = (await must<{ id: string }>(q, `mutation($e: String!) { captureLead(input: { email: $e }) { id } }`, { e: email })).id;
  // The replica is fed asynchronously: until contact.created arrives the contact is NOT_FOUND.
  // Probe without side effects: a response about a ticket that does not exist is refused on
  // contactId while the contact is unknown, on ticketId once it is known.
  await eventually(async () => {
    const res = await q(
      `mutation($id: ID!, $t: ID!) { recordSurveyResponse(input: { contactId: $id, ticketId: $t, kind: CSAT, score: 5 }) { id } }`,
      { id, t: randomUUID() },
    );
    return res.errors?.[0].extensions?.field === 'ticketId';
  }, 60_000);
  return id;
}

/** A CUSTOMER: a won deal through pipeline, leads moves the contact on deal.won. */
async function customer(q: Q, email: string): Promise<string> {
  const id = await contactKnownToTickets(q, email);
  const deal = await must<{ id: string }>(
    q,
    `mutation($id: ID!) { createDeal(input: { contactId: $id, title: "Plan", amount: 5000 }) { id } }`,
    { id },
  );
  await must(q, `mutation($id: ID!) { winDeal(input: { dealId: $id }) { status } }`, { id: deal.id });
  await eventually(
    async () =>
      (await q<{ contact: any }>(`query($id: ID!) { contact(id: $id) { lifecycleStage } }`, { id })).data?.contact.lifecycleStage ===
      'CUSTOMER',
    60_000,
  );
  return id;
}

test("a ticket's life: open -> first response -> pending -> resolved, with its SLA figures, seen from the contact", async () => {
  const q = stack.as('support-life', ['admin']);
  await must(
    q,
    `mutation { updateBusinessHours(input: { weekdays: ${ALL_WEEK}, opensAt: "00:00", closesAt: "24:00", timeZone: "UTC" }) { timeZone } }`,
  );
  const contactId = await contactKnownToTickets(q, 'life@support.example');
  const agent = stack.as('support-life', ['support']);
  const opened = await must(agent, OPEN, { input: { contactId, subject: 'Invoice missing', priority: 'HIGH', channel: 'EMAIL' } });
  expect(opened.status).toBe('NEW');
  expect(opened.sla).toMatchObject({ breached: false, paused: false, remainingMinutes: 240, firstRespondedAt: null });
  expect(Date.parse(opened.sla.firstResponseDueAt) - Date.parse(opened.createdAt)).toBe(240 * 60_000);

  const replied = await must(agent, `mutation($id: ID!) { addTicketComment(input: { ticketId: $id, body: "On it" }) { status ${SLA} } }`, {
    id: opened.id,
  });
  expect(replied.status).toBe('NEW');
  const spentMs = Date.parse(replied.sla.firstRespondedAt) - Date.parse(opened.createdAt);
  // Now the resolution target is the nearest: 1440 business minutes minus what the response took.
  expect(replied.sla).toMatchObject({ firstResponseBreached: false, remainingMinutes: Math.trunc((1440 * 60_000 - spentMs) / 60_000) });

  const pending = await must(
    agent,
    `mutation($id: ID!) { changeTicketStatus(input: { ticketId: $id, status: PENDING }) { status ${SLA} } }`,
    { id: opened.id },
  );
  expect(pending).toMatchObject({ status: 'PENDING', sla: { paused: true, breached: false } });
  const resolved = await must(
    agent,
    `mutation($id: ID!) { changeTicketStatus(input: { ticketId: $id, status: RESOLVED }) { status ${SLA} } }`,
    { id: opened.id },
  );
  expect(resolved).toMatchObject({
    status: 'RESOLVED',
    sla: { paused: false, resolutionBreached: false, breached: false, remainingMinutes: null },
  });
  expect(resolved.sla.resolvedAt).not.toBeNull();

  const view = await must(
    q,
    `query($id: ID!) { contact(id: $id) { email openTicketCount tickets { totalCount edges { node { id status subject } } } } }`,
    { id: contactId },
  );
  expect(view).toEqual({
    email: 'life@support.example',
    openTicketCount: 0,
    tickets: { totalCount: 1, edges: [{ node: { id: opened.id, status: 'RESOLVED', subject: 'Invoice missing' } }] },
  });
  const events = await stack.services.tickets.db.query(`SELECT event_type FROM crm_outbox WHERE message_key = $1 ORDER BY seq`, [
    opened.id,
  ]);
  expect(events.map((e: { event_type: string }) => e.event_type)).toEqual([
    'ticket.opened',
    'ticket.first_responded',
    'ticket.status_changed',
    'ticket.status_changed',
    'ticket.resolved',
  ]);
}, 180_000);

test('a breach: a 1-minute policy and the job run at a later `now` flag the ticket once', async () => {
  const q = stack.as('support-breach', ['admin']);
  await must(
    q,
    `mutation { updateBusinessHours(input: { weekdays: ${ALL_WEEK}, opensAt: "00:00", closesAt: "24:00", timeZone: "UTC" }) { timeZone } }`,
  );
  await must(q, `mutation { updateSlaPolicy(input: { priority: URGENT, firstResponseMinutes: 1, resolutionMinutes: 1 }) { version } }`);
  const contactId = await contactKnownToTickets(q, 'late@support.example');
  const t = await must(q, OPEN, { input: { contactId, subject: 'Down', priority: 'URGENT' } });
  const later = new Date(Date.now() + 5 * 60_000);
  await Promise.all([detectSlaBreaches(stack.services.tickets.db, later), detectSlaBreaches(stack.services.tickets.db, later)]);
  const breaches = await stack.services.tickets.db.query(
    `SELECT payload->'data'->>'target' AS target FROM crm_outbox WHERE message_key = $1 AND event_type = 'ticket.sla_breached' ORDER BY seq`,
    [t.id],
  );
  expect(breaches).toEqual([{ target: 'FIRST_RESPONSE' }, { target: 'RESOLUTION' }]);
  const seen = await must(q, `query { tickets(filter: { breached: true }) { edges { node { id ${SLA} } } } }`);
  expect(seen.edges).toEqual([
    {
      node: expect.objectContaining({
        id: t.id,
        sla: expect.objectContaining({ firstResponseBreached: true, resolutionBreached: true, breached: true }),
      }),
    },
  ]);
}, 180_000);

test('NPS 10 from a CUSTOMER makes a PROMOTER; NPS 3 flags churn risk', async () => {
  const q = stack.as('support-nps', ['admin']);
  const fan = await customer(q, 'fan@support.example');
  const critic = await customer(q, 'critic@support.example');
  const agent = stack.as('support-nps', ['support']);
  const nps = `mutation($id: ID!, $score: Int!) { recordSurveyResponse(input: { contactId: $id, kind: NPS, score: $score }) { id score } }`;
  await must(agent, nps, { id: fan, score: 10 });
  await must(agent, nps, { id: critic, score: 3 });
  const view = `query($id: ID!) { contact(id: $id) { lifecycleStage churnRisk latestNps { score kind } } }`;
  const promoted = await eventually(async () => {
    const c = (await q<{ contact: any }>(view, { id: fan })).data?.contact;
    return c?.lifecycleStage === 'PROMOTER' ? c : undefined;
  }, 60_000);
  expect(promoted).toEqual({ lifecycleStage: 'PROMOTER', churnRisk: false, latestNps: { score: 10, kind: 'NPS' } });
  const atRisk = await eventually(async () => {
    const c = (await q<{ contact: any }>(view, { id: critic })).data?.contact;
    return c?.churnRisk ? c : undefined;
  }, 60_000);
  expect(atRisk).toEqual({ lifecycleStage: 'CUSTOMER', churnRisk: true, latestNps: { score: 3, kind: 'NPS' } });
}, 240_000);

test("tenant B never sees tenant A's tickets: by id, by list, or through _entities sent straight to the subgraph", async () => {
  const a = stack.as('support-tenant-a', ['admin']);
  const b = stack.as('support-tenant-b', ['admin']);
  const contactId = await contactKnownToTickets(a, 'private@support.example');
  const t = await must(a, OPEN, { input: { contactId, subject: 'Private' } });
  expect((await b(`query($id: ID!) { ticket(id: $id) { id } }`, { id: t.id })).data).toEqual({ ticket: null });
  expect(await must(b, `query { tickets { totalCount } }`)).toEqual({ totalCount: 0 });
  expect((await b(`query($id: ID!) { contact(id: $id) { id } }`, { id: contactId })).data).toEqual({ contact: null });
  expect(
    (await b(`mutation($id: ID!) { changeTicketStatus(input: { ticketId: $id, status: OPEN }) { id } }`, { id: t.id })).errors![0]
      .extensions!.code,
  ).toBe('NOT_FOUND');
  const entitiesBody = JSON.stringify({
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id subject } ... on Contact { id openTicketCount tickets { totalCount } } } }`,
    variables: {
      r: [
        { __typename: 'Ticket', id: t.id },
        { __typename: 'Contact', id: contactId },
      ],
    },
  });
  const direct = await postGraphQL(
    stack.services.tickets.url,
    entitiesBody,
    signIdentity({ tenantId: 'support-tenant-b', userId: 'intruder', roles: ['admin'] }, TEST_SUBGRAPH_SECRET, {
      method: 'POST',
      subgraph: 'tickets',
      body: entitiesBody,
    }),
  );
  expect(direct.data!._entities).toEqual([null, { id: contactId, openTicketCount: 0, tickets: { totalCount: 0 } }]);
  const unsigned = await graphql(
    stack.services.tickets.url,
    `
      query ($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Ticket {
            id
          }
        }
      }
    `,
    { r: [{ __typename: 'Ticket', id: t.id }] },
  );
  expect(unsigned.status).toBe(401);
}, 180_000);
