import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import {
  ASSIGN,
  COMMENT,
  failure,
  knownContact,
  minutesAfter,
  newId,
  ok,
  OPEN,
  outbox,
  roundTheClock,
  SETTINGS,
  STATUS,
  SUPPORT,
  TICKET,
} from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('tickets_tickets', createService);
});
afterAll(() => svc.stop());

describe('openTicket', () => {
  test('opens a NEW ticket with the policy snapshot, due times and a complete ticket.opened', async () => {
    const T = 'open-a';
    await roundTheClock(svc, T);
    const contactId = await knownContact(svc, T);
    const t = await ok(
      svc,
      OPEN,
      { contactId, subject: ' Cannot log in ', description: 'Since Monday', priority: 'HIGH', channel: 'EMAIL', assigneeId: 'agent-9' },
      SUPPORT(T),
    );
    expect(t).toMatchObject({
      subject: 'Cannot log in',
      description: 'Since Monday',
      status: 'NEW',
      priority: 'HIGH',
      channel: 'EMAIL',
      assigneeId: 'agent-9',
      contact: { id: contactId },
      comments: [],
      sla: {
        policyVersion: 1,
        firstResponseMinutes: 240,
        resolutionMinutes: 1440,
        firstRespondedAt: null,
        resolvedAt: null,
        firstResponseBreached: false,
        resolutionBreached: false,
        breached: false,
        paused: false,
        remainingMinutes: 240,
      },
    });
    expect(t.sla.firstResponseDueAt).toBe(minutesAfter(t.createdAt, 240));
    expect(t.sla.resolutionDueAt).toBe(minutesAfter(t.createdAt, 1440));
    const events = await outbox(svc, t.id);
    expect(events).toEqual([
      {
        event_type: 'ticket.opened',
        actor: 'agent-1',
        occurred_at: t.createdAt,
        data: {
          contactId,
          priority: 'HIGH',
          subject: 'Cannot log in',
          channel: 'EMAIL',
          assigneeId: 'agent-9',
          policyId: t.sla.policyId,
          firstResponseDueAt: t.sla.firstResponseDueAt,
          resolutionDueAt: t.sla.resolutionDueAt,
        },
      },
    ]);
    const [row] = await svc.service.db.query('SELECT tenant_id, sla_policy_id FROM tickets WHERE id = $1', [t.id]);
    expect(row).toEqual({ tenant_id: T, sla_policy_id: t.sla.policyId });
  });

  test('defaults: NORMAL priority, API channel, nobody assigned without support agents', async () => {
    const T = 'open-b';
    const contactId = await knownContact(svc, T);
    const t = await ok(svc, OPEN, { contactId, subject: 'Hello' }, SUPPORT(T));
    expect(t).toMatchObject({ priority: 'NORMAL', channel: 'API', assigneeId: null, sla: { firstResponseMinutes: 480 } });
  });

  test('an unknown contact (or one of another tenant) is NOT_FOUND on contactId; bad input names its field', async () => {
    const other = await knownContact(svc, 'open-other');
    for (const contactId of [newId(), other]) {
      expect(await failure(svc, OPEN, { contactId, subject: 'x' }, SUPPORT('open-c'))).toMatchObject({
        code: 'NOT_FOUND',
        field: 'contactId',
      });
    }
    const contactId = await knownContact(svc, 'open-c');
    expect(await failure(svc, OPEN, { contactId: 'nope', subject: 'x' }, SUPPORT('open-c'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'contactId',
    });
    expect(await failure(svc, OPEN, { contactId, subject: '  ' }, SUPPORT('open-c'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'subject',
    });
    expect(await failure(svc, OPEN, { contactId, subject: 'x', priority: 'CRITICAL' }, SUPPORT('open-c'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'priority',
    });
    expect(await failure(svc, OPEN, { contactId, subject: 'x', assigneeId: 'a'.repeat(65) }, SUPPORT('open-c'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'assigneeId',
    });
    const [{ n }] = await svc.service.db.query(`SELECT count(*)::int AS n FROM tickets WHERE tenant_id = 'open-c'`);
    expect(n).toBe(0);
  });

  test('round-robin over the support agents, in turn, concurrency-safe', async () => {
    const T = 'open-rr';
    const contactId = await knownContact(svc, T);
    await ok(svc, SETTINGS, { supportAgentIds: ['ann', 'bob', 'cy'] }, { tenantId: T });
    const first = await Promise.all(Array.from({ length: 6 }, () => ok(svc, OPEN, { contactId, subject: 'rr' }, SUPPORT(T))));
    const counts = first.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t.assigneeId]: (acc[t.assigneeId] ?? 0) + 1 }), {});
    expect(counts).toEqual({ ann: 2, bob: 2, cy: 2 });
    const next = await ok(svc, OPEN, { contactId, subject: 'rr' }, SUPPORT(T));
    expect(next.assigneeId).toBe('ann');
  });
});

describe('assignTicket', () => {
  test('to an agent, then null goes back to the round-robin; each change emits ticket.assigned', async () => {
    const T = 'assign-a';
    const contactId = await knownContact(svc, T);
    await ok(svc, SETTINGS, { supportAgentIds: ['ann', 'bob'] }, { tenantId: T });
    const t = await ok(svc, OPEN, { contactId, subject: 'x', assigneeId: 'zed' }, SUPPORT(T));
    const manual = await ok(svc, ASSIGN, { ticketId: t.id, assigneeId: 'kim' }, SUPPORT(T));
    expect(manual.assigneeId).toBe('kim');
    const auto = await ok(svc, ASSIGN, { ticketId: t.id, assigneeId: null }, SUPPORT(T));
    expect(auto.assigneeId).toBe('ann');
    const events = (await outbox(svc, t.id)).filter((e) => e.event_type === 'ticket.assigned');
    expect(events.map((e) => e.data)).toEqual([
      { contactId, assigneeId: 'kim', previousAssigneeId: 'zed' },
      { contactId, assigneeId: 'ann', previousAssigneeId: 'kim' },
    ]);
    expect(await failure(svc, ASSIGN, { ticketId: newId(), assigneeId: 'x' }, SUPPORT(T))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'ticketId',
    });
  });
});

describe('changeTicketStatus', () => {
  test('a legal move emits ticket.status_changed; an illegal one is CONFLICT with from/to and changes nothing', async () => {
    const T = 'status-a';
    const contactId = await knownContact(svc, T);
    const t = await ok(svc, OPEN, { contactId, subject: 'x' }, SUPPORT(T));
    const open = await ok(svc, STATUS, { ticketId: t.id, status: 'OPEN' }, SUPPORT(T));
    expect(open.status).toBe('OPEN');
    expect(await failure(svc, STATUS, { ticketId: t.id, status: 'NEW' }, SUPPORT(T))).toMatchObject({
      code: 'CONFLICT',
      from: 'OPEN',
      to: 'NEW',
    });
    await ok(svc, STATUS, { ticketId: t.id, status: 'RESOLVED' }, SUPPORT(T));
    await ok(svc, STATUS, { ticketId: t.id, status: 'CLOSED' }, SUPPORT(T));
    expect(await failure(svc, STATUS, { ticketId: t.id, status: 'OPEN' }, SUPPORT(T))).toMatchObject({
      code: 'CONFLICT',
      from: 'CLOSED',
      to: 'OPEN',
    });
    const events = await outbox(svc, t.id);
    expect(events.filter((e) => e.event_type === 'ticket.status_changed').map((e) => `${e.data.from}>${e.data.to}`)).toEqual([
      'NEW>OPEN',
      'OPEN>RESOLVED',
      'RESOLVED>CLOSED',
    ]);
    const resolved = events.find((e) => e.event_type === 'ticket.resolved')!;
    expect(Object.keys(resolved.data).sort()).toEqual(
      ['at', 'breached', 'businessMinutes', 'contactId', 'dueAt', 'firstResponseBreached', 'openedAt'].sort(),
    );
    expect(resolved.data).toMatchObject({ contactId, openedAt: t.createdAt, breached: false, firstResponseBreached: false });
  });

  test('PENDING pauses the clock; reopening restarts it; RESOLVED stops it', async () => {
    const T = 'status-b';
    await roundTheClock(svc, T);
    const contactId = await knownContact(svc, T);
    const t = await ok(svc, OPEN, { contactId, subject: 'x' }, SUPPORT(T));
    const pending = await ok(svc, STATUS, { ticketId: t.id, status: 'PENDING' }, SUPPORT(T));
    expect(pending.sla).toMatchObject({ paused: true, breached: false });
    const [row] = await svc.service.db.query('SELECT sla_running_since FROM tickets WHERE id = $1', [t.id]);
    expect(row.sla_running_since).toBeNull();
    const back = await ok(svc, STATUS, { ticketId: t.id, status: 'OPEN' }, SUPPORT(T));
    expect(back.sla.paused).toBe(false);
    expect(Date.parse(back.sla.firstResponseDueAt)).toBeGreaterThanOrEqual(Date.parse(t.sla.firstResponseDueAt));
    const resolved = await ok(svc, STATUS, { ticketId: t.id, status: 'RESOLVED' }, SUPPORT(T));
    expect(resolved.sla).toMatchObject({ paused: false, remainingMinutes: null, resolvedAt: resolved.updatedAt });
    const reopened = await ok(svc, STATUS, { ticketId: t.id, status: 'OPEN' }, SUPPORT(T));
    expect(reopened.sla).toMatchObject({ resolvedAt: null, paused: false });
  });
});

describe('addTicketComment', () => {
  test("the first public agent comment is the first response; internal notes and the contact's own never are; status never moves", async () => {
    const T = 'comment-a';
    await roundTheClock(svc, T);
    const contactId = await knownContact(svc, T);
    const t = await ok(svc, OPEN, { contactId, subject: 'x' }, SUPPORT(T));
    const internal = await ok(svc, COMMENT, { ticketId: t.id, body: 'looking', internal: true }, SUPPORT(T));
    expect(internal).toMatchObject({ status: 'NEW', sla: { firstRespondedAt: null } });
    const fromContact = await ok(svc, COMMENT, { ticketId: t.id, body: 'any news?', fromContact: true }, SUPPORT(T));
    expect(fromContact.sla.firstRespondedAt).toBeNull();
    expect(fromContact.comments.at(-1)).toMatchObject({ authorId: contactId, fromContact: true, internal: false });
    const reply = await ok(svc, COMMENT, { ticketId: t.id, body: 'Fixed it' }, SUPPORT(T));
    expect(reply.status).toBe('NEW');
    expect(reply.sla.firstRespondedAt).toBe(reply.comments.at(-1).createdAt);
    expect(reply.comments.map((c: { body: string }) => c.body)).toEqual(['looking', 'any news?', 'Fixed it']);
    await ok(svc, COMMENT, { ticketId: t.id, body: 'again' }, SUPPORT(T));
    const events = (await outbox(svc, t.id)).filter((e) => e.event_type === 'ticket.first_responded');
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({
      contactId,
      at: reply.sla.firstRespondedAt,
      dueAt: t.sla.firstResponseDueAt,
      breached: false,
      businessMinutes: 0,
    });
    expect(await failure(svc, COMMENT, { ticketId: t.id, body: '' }, SUPPORT(T))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    expect(await failure(svc, COMMENT, { ticketId: t.id, body: 'x', internal: true, fromContact: true }, SUPPORT(T))).toMatchObject({
      field: 'internal',
    });
  });
});

describe('concurrent writes on one ticket', () => {
  test('three agents replying at once make ONE first response; racing status moves apply one at a time', async () => {
    const T = 'race-a';
    const contactId = await knownContact(svc, T);
    const t = await ok(svc, OPEN, { contactId, subject: 'x' }, SUPPORT(T));
    const replies = await Promise.all(['a', 'b', 'c'].map((body) => ok(svc, COMMENT, { ticketId: t.id, body }, SUPPORT(T))));
    expect(new Set(replies.map((r) => r.sla.firstRespondedAt)).size).toBe(1);
    expect((await outbox(svc, t.id)).filter((e) => e.event_type === 'ticket.first_responded')).toHaveLength(1);
    const moves = await Promise.all(['OPEN', 'OPEN'].map((status) => svc.call(STATUS, { input: { ticketId: t.id, status } }, SUPPORT(T))));
    expect(moves.map((r) => (r.errors ? r.errors[0].extensions!.code : r.data!.changeTicketStatus.status)).sort()).toEqual([
      'CONFLICT',
      'OPEN',
    ]);
  });
});

describe('reading tickets', () => {
  const LIST = `query($filter: TicketFilter, $first: Int, $after: String) {
    tickets(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status priority assigneeId } } } }`;

  test('filters and keyset pages, newest first', async () => {
    const T = 'list-a';
    const a = await knownContact(svc, T);
    const b = await knownContact(svc, T);
    const made = [];
    for (const [i, contactId] of [a, a, b, a, b].entries()) {
      made.push(
        await ok(
          svc,
          OPEN,
          { contactId, subject: `t${i}`, priority: i % 2 ? 'HIGH' : 'LOW', assigneeId: i < 2 ? 'ann' : null },
          SUPPORT(T),
        ),
      );
    }
    await ok(svc, STATUS, { ticketId: made[0].id, status: 'PENDING' }, SUPPORT(T));
    const list = async (filter: object, first = 10, after?: string) =>
      (await svc.call(LIST, { filter, first, after }, SUPPORT(T))).data!.tickets;
    expect((await list({})).edges.map((e: any) => e.node.id)).toEqual(made.map((t) => t.id).reverse());
    expect((await list({ contactId: a })).totalCount).toBe(3);
    expect((await list({ priority: 'HIGH' })).totalCount).toBe(2);
    expect((await list({ assigneeId: 'ann' })).totalCount).toBe(2);
    expect((await list({ status: 'PENDING' })).edges.map((e: any) => e.node.id)).toEqual([made[0].id]);
    expect((await list({ breached: true })).totalCount).toBe(0);
    expect((await list({ breached: false })).totalCount).toBe(5);
    expect((await list({ createdAfter: made[2].createdAt })).totalCount).toBe(3);
    expect((await list({ createdBefore: made[2].createdAt })).totalCount).toBe(2);
    const page1 = await list({}, 2);
    const page2 = await list({}, 2, page1.pageInfo.endCursor);
    const page3 = await list({}, 2, page2.pageInfo.endCursor);
    expect([...page1.edges, ...page2.edges, ...page3.edges].map((e: any) => e.node.id)).toEqual(made.map((t) => t.id).reverse());
    expect(page3.pageInfo.hasNextPage).toBe(false);
    const bad = await svc.call(LIST, { first: 101 }, SUPPORT(T));
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  test("tenant B never sees tenant A's tickets: by id, in lists, or through _entities", async () => {
    const contactId = await knownContact(svc, 'iso-a');
    const t = await ok(svc, OPEN, { contactId, subject: 'secret' }, SUPPORT('iso-a'));
    const B = SUPPORT('iso-b');
    expect((await svc.call(`query($id: ID!) { ticket(id: $id) { id } }`, { id: t.id }, B)).data).toEqual({ ticket: null });
    expect((await svc.call(LIST, { filter: { contactId } }, B)).data!.tickets.totalCount).toBe(0);
    const entities = await svc.call(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id subject } ... on Contact { id openTicketCount tickets { totalCount edges { node { id } } } } } }`,
      {
        r: [
          { __typename: 'Ticket', id: t.id },
          { __typename: 'Contact', id: contactId },
        ],
      },
      B,
    );
    expect(entities.data!._entities).toEqual([null, { id: contactId, openTicketCount: 0, tickets: { totalCount: 0, edges: [] } }]);
    // B cannot change A's ticket either.
    expect(await failure(svc, STATUS, { ticketId: t.id, status: 'OPEN' }, B)).toMatchObject({ code: 'NOT_FOUND' });
    expect((await svc.call(`query($id: ID!) { ticket(id: $id) { ${TICKET} } }`, { id: t.id }, SUPPORT('iso-a'))).data!.ticket.status).toBe(
      'NEW',
    );
  });

  test('roles: sales and analysts read but cannot write; marketing neither; partner keys need tickets scopes', async () => {
    const T = 'roles-a';
    const contactId = await knownContact(svc, T);
    const marketing = await svc.call('{ tickets { totalCount } }', {}, { tenantId: T, roles: ['marketing'] });
    expect(marketing.errors![0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      operation: 'tickets',
      requiredRoles: ['admin', 'sales', 'support', 'analyst'],
    });
    for (const roles of [['sales'], ['analyst']] as const) {
      expect((await svc.call('{ tickets { totalCount } }', {}, { tenantId: T, roles: [...roles] })).errors).toBeUndefined();
      expect(await failure(svc, OPEN, { contactId, subject: 'x' }, { tenantId: T, roles: [...roles] })).toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    expect(await failure(svc, OPEN, { contactId, subject: 'x' }, { tenantId: T, roles: [], scopes: ['tickets:read'] })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await ok(svc, OPEN, { contactId, subject: 'x' }, { tenantId: T, roles: [], scopes: ['tickets:write'] })).status).toBe('NEW');
    const read = await svc.call('{ tickets { totalCount } }', {}, { tenantId: T, roles: [], scopes: ['contacts:read'] });
    expect(read.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
