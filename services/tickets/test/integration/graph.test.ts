import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { knownContact, ok, OPEN, roundTheClock, STATUS, SUPPORT, SURVEY } from './helpers';

// Contact fields added by tickets, resolved through `_entities` as the gateway does. The test
// counts the SQL statements of one request by spying on the TypeORM logger's logQuery, which
// the query runner calls for every statement it sends; nothing else uses the data source then.

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('tickets_graph', createService);
});
afterAll(() => svc.stop());

const T = 'graph';
const ENTITIES = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id ${selection} } } }`;
const refs = (ids: string[]) => ids.map((id) => ({ __typename: 'Contact', id }));

async function counting<R>(run: () => Promise<R>): Promise<{ result: R; statements: string[] }> {
  const statements: string[] = [];
  const spy = jest.spyOn(svc.service.db.logger, 'logQuery').mockImplementation((query: string) => {
    statements.push(query);
  });
  try {
    return { result: await run(), statements };
  } finally {
    spy.mockRestore();
  }
}

let contacts: string[] = [];
beforeAll(async () => {
  await roundTheClock(svc, T);
  contacts = [];
  for (let i = 0; i < 100; i++) contacts.push(await knownContact(svc, T));
  // Contacts 0..39 have 1-3 tickets (one resolved each third) and contacts 0..19 an NPS (two for even ones).
  for (const [i, contactId] of contacts.slice(0, 40).entries()) {
    for (let k = 0; k <= i % 3; k++) {
      const t = await ok(svc, OPEN, { contactId, subject: `c${i}-${k}` }, SUPPORT(T));
      if (k === 2) await ok(svc, STATUS, { ticketId: t.id, status: 'RESOLVED' }, SUPPORT(T));
    }
    if (i < 20) await ok(svc, SURVEY, { contactId, kind: 'NPS', score: i % 11 }, SUPPORT(T));
    if (i < 20 && i % 2 === 0) await ok(svc, SURVEY, { contactId, kind: 'NPS', score: 10 }, SUPPORT(T));
  }
}, 120_000);

describe('Contact fields through _entities, batched', () => {
  test('100 contacts: tickets { sla { breached } } and latestNps cost TWO statements', async () => {
    const { result, statements } = await counting(() =>
      svc.call(ENTITIES('tickets { edges { node { sla { breached } } } } latestNps { score }'), { r: refs(contacts) }, SUPPORT(T)),
    );
    expect(result.errors).toBeUndefined();
    expect(statements).toHaveLength(2);
    const list = result.data!._entities as Array<{ tickets: { edges: unknown[] }; latestNps: { score: number } | null }>;
    expect(list.map((c) => c.tickets.edges.length)).toEqual(contacts.map((_, i) => (i < 40 ? 1 + (i % 3) : 0)));
    expect(list.map((c) => c.latestNps?.score ?? null)).toEqual(contacts.map((_, i) => (i >= 20 ? null : i % 2 === 0 ? 10 : i % 11)));
  });

  test('openTicketCount, status filter, totalCount, remaining minutes: one statement per field whatever the number of contacts', async () => {
    const selection = `openTicketCount resolved: tickets(status: RESOLVED) { totalCount edges { node { status } } }
      tickets(first: 1) { totalCount pageInfo { hasNextPage } edges { node { sla { remainingMinutes } } } }`;
    const ten = await counting(() => svc.call(ENTITIES(selection), { r: refs(contacts.slice(0, 10)) }, SUPPORT(T)));
    const hundred = await counting(() => svc.call(ENTITIES(selection), { r: refs(contacts) }, SUPPORT(T)));
    expect(hundred.result.errors).toBeUndefined();
    // open counts, RESOLVED page, first-1 page, totalCount per (status), calendar
    expect(hundred.statements).toHaveLength(ten.statements.length);
    expect(hundred.statements.length).toBeLessThanOrEqual(6);
    const c2 = (hundred.result.data!._entities as any[])[2];
    expect(c2).toMatchObject({
      openTicketCount: 2,
      resolved: { totalCount: 1, edges: [{ node: { status: 'RESOLVED' } }] },
      tickets: { totalCount: 3, pageInfo: { hasNextPage: true } },
    });
  });

  test('a first page and its totalCount come from one statement, with the counts of their own statement', async () => {
    const together = await counting(() =>
      svc.call(
        ENTITIES('tickets(first: 2) { totalCount edges { node { subject } } } resolved: tickets(status: RESOLVED) { totalCount }'),
        { r: refs(contacts) },
        SUPPORT(T),
      ),
    );
    expect(together.result.errors).toBeUndefined();
    expect(together.statements).toHaveLength(2); // one per (status, first): the page with its counts
    const list = together.result.data!._entities as any[];
    expect(list.map((c) => c.tickets.totalCount)).toEqual(contacts.map((_, i) => (i < 40 ? 1 + (i % 3) : 0)));
    expect(list.map((c) => c.resolved.totalCount)).toEqual(contacts.map((_, i) => (i < 40 && i % 3 === 2 ? 1 : 0)));
    expect(list.map((c) => c.tickets.edges.length)).toEqual(contacts.map((_, i) => (i < 40 ? Math.min(2, 1 + (i % 3)) : 0)));
    // The same counts through a fragment, which keeps the count's own statement.
    const apart = await counting(() =>
      svc.call(
        ENTITIES('tickets(first: 2) { ... on TicketConnection { totalCount } edges { node { subject } } }'),
        { r: refs(contacts) },
        SUPPORT(T),
      ),
    );
    expect(apart.statements).toHaveLength(2);
    expect((apart.result.data!._entities as any[]).map((c) => c.tickets.totalCount)).toEqual(list.map((c) => c.tickets.totalCount));
    // After a cursor the page is what is left, the count still all of the contact's tickets.
    const q = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Contact { tickets(first: 2, after: $after) { totalCount pageInfo { endCursor } edges { node { subject } } } } } }`;
    const first = (await svc.call(q, { r: refs([contacts[2]]) }, SUPPORT(T))).data!._entities[0].tickets;
    const next = await counting(() => svc.call(q, { r: refs([contacts[2]]), after: first.pageInfo.endCursor }, SUPPORT(T)));
    expect(next.statements).toHaveLength(2);
    expect((next.result.data!._entities as any[])[0].tickets).toMatchObject({ totalCount: 3, edges: [{ node: { subject: 'c2-0' } }] });
  });

  test('nested pages follow the cursor per contact', async () => {
    const q = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Contact { tickets(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { subject } } } } } }`;
    const first = (await svc.call(q, { r: refs([contacts[2]]) }, SUPPORT(T))).data!._entities[0].tickets;
    expect(first.edges.map((e: any) => e.node.subject)).toEqual(['c2-2', 'c2-1']);
    const next = (await svc.call(q, { r: refs([contacts[2]]), after: first.pageInfo.endCursor }, SUPPORT(T))).data!._entities[0].tickets;
    expect(next).toEqual({ pageInfo: { hasNextPage: false, endCursor: expect.any(String) }, edges: [{ node: { subject: 'c2-0' } }] });
  });
});
