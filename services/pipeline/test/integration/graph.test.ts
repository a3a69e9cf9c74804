import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { CREATE_DEAL, defaultStages, knownContact, newId, ok } from './helpers';

// Contact and Company fields added by pipeline, resolved through `_entities` as the gateway does.
// They go through per-request DataLoaders: the test counts the SQL statements the data source
// runs during one request by spying on the TypeORM logger's logQuery, which PostgresQueryRunner
// calls for every statement it sends (whatever the logging options), on every connection of
// this data source, and nothing else uses the data source while the request runs.

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('pipeline_graph', createService);
});
afterAll(() => svc.stop());

const T = { tenantId: 'graph', userId: 'rep', roles: ['sales' as const] };
const ENTITIES = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id ${selection} } } }`;
const contactRefs = (ids: string[]) => ids.map((id) => ({ __typename: 'Contact', id }));

async function countingQueries<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
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

const contacts = Array.from({ length: 50 }, () => newId());
const companyId = newId();
beforeAll(async () => {
  // 2 deals for most contacts, in two currencies, one of them won; contacts 40..49 have none.
  const stages = await defaultStages(svc, T.tenantId);
  for (const id of contacts) await knownContact(svc, T, id);
  for (const [i, contactId] of contacts.slice(0, 40).entries()) {
    const a = await ok(svc, CREATE_DEAL, { contactId, title: `A${i}`, amount: 100 + i, companyId: i < 5 ? companyId : null }, T);
    await ok(svc, CREATE_DEAL, { contactId, title: `B${i}`, amount: 7, currency: 'EUR', stageId: stages.Proposal.id }, T);
    if (i % 4 === 0) await ok(svc, `mutation($input: WinDealInput!) { winDeal(input: $input) { id } }`, { dealId: a.id }, T);
    if (i < 3)
      await ok(
        svc,
        `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }`,
        { kind: 'TASK', subject: `t${i}`, contactId },
        T,
      );
  }
  await svc.call('{ pipelines { id } }', {}, T); // the tenant is known: no provisioning query below
});

describe('Contact.deals through _entities', () => {
  test('50 contacts cost ONE SQL statement for their deals', async () => {
    const { result, statements } = await countingQueries(() => svc.call(ENTITIES('deals { id title }'), { r: contactRefs(contacts) }, T));
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toHaveLength(50);
    expect(result.data!._entities[0].deals.map((d: any) => d.title).sort()).toEqual(['A0', 'B0']);
    expect(result.data!._entities[45].deals).toEqual([]);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/FROM "deals"/);
    expect(statements[0]).toMatch(/"contact_id" = ANY\(\$2\)/);
  });

  test('deals, openDealValue, activities and each deal stage: one statement per field, the same for 5 or 50 contacts', async () => {
    const selection = 'deals(status: OPEN) { id stage { name } } openDealValue { amount currency } activities { subject }';
    const few = await countingQueries(() => svc.call(ENTITIES(selection), { r: contactRefs(contacts.slice(0, 5)) }, T));
    const many = await countingQueries(() => svc.call(ENTITIES(selection), { r: contactRefs(contacts) }, T));
    expect(many.result.errors).toBeUndefined();
    expect(few.statements).toHaveLength(4); // deals, open value sums, stages, activities
    expect(many.statements).toHaveLength(4);
    const [first, fourth, empty] = [0, 3, 45].map((i) => many.result.data!._entities[i]);
    expect(first.openDealValue).toEqual([{ amount: 7, currency: 'EUR' }]); // A0 was won
    expect(fourth.openDealValue).toEqual([
      { amount: 7, currency: 'EUR' },
      { amount: 103, currency: 'USD' },
    ]);
    expect(fourth.deals.map((d: any) => d.stage.name).sort()).toEqual(['Proposal', 'Prospecting']);
    expect(first.activities).toEqual([{ subject: 't0' }]);
    expect(empty).toEqual({ id: contacts[45], deals: [], openDealValue: [], activities: [] });
  });

  test('Contact.deals is bounded per contact in SQL: first (1 to 100) newest, status applied before the bound', async () => {
    const one = await svc.call(
      ENTITIES('deals(first: 1) { title } openDealValue { amount currency }'),
      { r: contactRefs(contacts.slice(3, 4)) },
      T,
    );
    expect(one.data!._entities[0].deals).toEqual([{ title: 'B3' }]); // the newer of A3 and B3
    expect(one.data!._entities[0].openDealValue).toEqual([
      { amount: 7, currency: 'EUR' },
      { amount: 103, currency: 'USD' },
    ]); // over every open deal
    const won = await svc.call(ENTITIES('deals(status: WON, first: 1) { title }'), { r: contactRefs(contacts.slice(0, 1)) }, T);
    expect(won.data!._entities[0].deals).toEqual([{ title: 'A0' }]);
    for (const first of [0, 101]) {
      const bad = await svc.call(ENTITIES(`deals(first: ${first}) { id }`), { r: contactRefs(contacts.slice(0, 1)) }, T);
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });

  test('Company.deals, also batched', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Company { id deals { title } } } }`;
    const { result, statements } = await countingQueries(() =>
      svc.call(
        query,
        {
          r: [
            { __typename: 'Company', id: companyId },
            { __typename: 'Company', id: newId() },
          ],
        },
        T,
      ),
    );
    expect(result.data!._entities[0].deals.map((d: any) => d.title).sort()).toEqual(['A0', 'A1', 'A2', 'A3', 'A4']);
    expect(result.data!._entities[1].deals).toEqual([]);
    expect(statements).toHaveLength(1);
  });

  test('another tenant sees no deals for the same contacts; roles apply to extension fields', async () => {
    const other = await svc.call(
      ENTITIES('deals { id } openDealValue { amount }'),
      { r: contactRefs(contacts.slice(0, 3)) },
      { tenantId: 'graph-other' },
    );
    expect(other.data!._entities).toEqual(contacts.slice(0, 3).map((id) => ({ id, deals: [], openDealValue: [] })));
    const ticketsKey = await svc.call(
      ENTITIES('deals { id }'),
      { r: contactRefs(contacts.slice(0, 1)) },
      { tenantId: T.tenantId, roles: [], scopes: ['tickets:read'] },
    );
    expect(ticketsKey.errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      operation: '_entities(Contact)',
      requiredScope: 'deals:read',
    });
    expect(ticketsKey.data?._entities).toEqual([null]);
  });

  test('a malformed contact id resolves to no deals, not a database error', async () => {
    const res = await svc.call(
      ENTITIES('deals { id } activities { id }'),
      { r: contactRefs(['not-a-uuid', contacts[0].toUpperCase()]) },
      T,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities[0]).toEqual({ id: 'not-a-uuid', deals: [], activities: [] });
    expect(res.data!._entities[1].deals).toHaveLength(2);
  });

  test('Deal.contact and Deal.company are references for the gateway to resolve', async () => {
    const res = await svc.call(
      `{ deals(first: 1, filter: { companyId: "${companyId}" }) { edges { node { contact { __typename id } company { __typename id } } } } }`,
      {},
      T,
    );
    const node = res.data!.deals.edges[0].node;
    expect(node.company).toEqual({ __typename: 'Company', id: companyId });
    expect(contacts.slice(0, 5)).toContain(node.contact.id);
    expect(node.contact.__typename).toBe('Contact');
  });
});

test('the subgraph SDL declares the Contact and Company extensions and a shareable PageInfo', async () => {
  const res = await svc.call<{ _service: { sdl: string } }>('{ _service { sdl } }');
  const sdl = res.data!._service.sdl;
  for (const type of ['Contact', 'Company', 'Deal']) expect(sdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
  expect(sdl).toMatch(/type PageInfo\s+@shareable/);
  expect(sdl).toMatch(/type Money\s+@shareable/);
});
