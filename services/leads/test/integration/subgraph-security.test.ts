import { graphqlRequestBody, identityFor, postGraphQL, startTestService, TestService } from '@crm/testing';
import { IDENTITY_HEADER } from '@crm/service-kit';
import { createService } from '../../src/service';

// The subgraph is reachable only through the gateway: without a valid signature nothing executes.
let leads: TestService;
beforeAll(async () => {
  leads = await startTestService('leads_security', createService);
});
afterAll(() => leads.stop());

const capture = `mutation($email: String!) { captureLead(input: { email: $email }) { id email } }`;
const entities = `query($id: ID!) { _entities(representations: [{ __typename: "Contact", id: $id }]) { ... on Contact { id email } } }`;

describe('gateway signature', () => {
  test.each([
    ['no signature', () => ({})],
    ['a signature made with the wrong secret', (body: string) => leads.sign(body, {}, { secret: 'not-the-subgraph-secret' })],
    ['an expired signature', (body: string) => leads.sign(body, {}, { nowMs: Date.now() - 5 * 60_000 })],
    ['a signature for another subgraph', (body: string) => leads.sign(body, {}, { subgraph: 'pipeline' })],
    ['a signature for another body', () => leads.sign(graphqlRequestBody('{ _service { sdl } }'))],
  ])('%s: 401 for queries, mutations, _entities and _service, and nothing is written', async (_label, headersFor) => {
    for (const query of [capture, entities, '{ _service { sdl } }']) {
      const body = graphqlRequestBody(query, { email: 'intruder@example.com', id: '00000000-0000-4000-8000-000000000000' });
      const res = await postGraphQL(leads.service.url, body, headersFor(body));
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data).toBeUndefined();
    }
    const rows = await leads.service.db.query(`SELECT count(*)::int AS n FROM contacts WHERE email = 'intruder@example.com'`);
    expect(rows[0].n).toBe(0);
  });

  test('a tampered identity (tenant swapped after signing) is refused', async () => {
    const body = graphqlRequestBody('{ _service { sdl } }');
    const headers = leads.sign(body);
    headers[IDENTITY_HEADER] = Buffer.from(JSON.stringify(identityFor('tenant-b'))).toString('base64url');
    const res = await postGraphQL(leads.service.url, body, headers);
    expect(res.status).toBe(401);
  });

  test('a captured header set works once: replayed with the same body it is 401', async () => {
    const body = graphqlRequestBody('{ _service { sdl } }');
    const headers = leads.sign(body);
    expect((await postGraphQL(leads.service.url, body, headers)).status).toBe(200);
    const replay = await postGraphQL(leads.service.url, body, headers);
    expect(replay.status).toBe(401);
    expect(replay.errors?.[0].message).toMatch(/replayed/);
  });

  test('a valid signature reaches _service', async () => {
    const res = await leads.call<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(res.status).toBe(200);
    expect(res.data?._service.sdl).toContain('type Contact');
  });

  test('/health and /ready answer without a signature (they expose no data)', async () => {
    const base = leads.service.url.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', service: 'leads' });
  });
});

describe('tenant isolation', () => {
  test('tenant B cannot read tenant A contact by id, by list, or through _entities', async () => {
    const a = await leads.call<{ captureLead: { id: string } }>(capture, { email: 'only-a@example.com' }, { tenantId: 'iso-a' });
    const id = a.data!.captureLead.id;
    const asB = { tenantId: 'iso-b' };

    const byId = await leads.call(`query($id: ID!) { contact(id: $id) { id } }`, { id }, asB);
    expect(byId.data).toEqual({ contact: null });

    const list = await leads.call(`{ contacts(first: 100) { totalCount edges { node { id } } } }`, {}, asB);
    expect(list.data).toEqual({ contacts: { totalCount: 0, edges: [] } });

    const viaEntities = await leads.call(entities, { id }, asB);
    expect(viaEntities.data).toEqual({ _entities: [null] });

    // ... while tenant A sees it everywhere.
    const own = await leads.call(entities, { id }, { tenantId: 'iso-a' });
    expect(own.data).toEqual({ _entities: [{ id, email: 'only-a@example.com' }] });
  });

  test('the same email in two tenants is two contacts', async () => {
    const a = await leads.call<{ captureLead: { id: string } }>(capture, { email: 'shared@example.com' }, { tenantId: 'twin-a' });
    const b = await leads.call<{ captureLead: { id: string } }>(capture, { email: 'shared@example.com' }, { tenantId: 'twin-b' });
    expect(a.data!.captureLead.id).not.toBe(b.data!.captureLead.id);
  });
});

describe('the subgraph HTTP surface matches the gateway', () => {
  test('production: no introspection, but _service (composition) still answers; CSRF prevention refuses a simple GET', async () => {
    const prod = await startTestService('leads_prod', createService, { production: true });
    try {
      const intro = await prod.call('{ __schema { types { name } } }');
      expect(intro.status).toBe(400);
      expect(intro.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await prod.call<{ _service: { sdl: string } }>('{ _service { sdl } }')).data?._service.sdl).toContain('type Contact');
      const get = await fetch(`${prod.service.url}?query=${encodeURIComponent('{ __typename }')}`, {
        headers: prod.sign('', {}, { method: 'GET' }),
      });
      expect(get.status).toBe(400);
      expect(await get.text()).toMatch(/CSRF|preflight/i);
    } finally {
      await prod.stop();
    }
  });

  test('a subgraph listens on 127.0.0.1 unless told otherwise', () => {
    expect(new URL(leads.service.url).hostname).toBe('127.0.0.1');
  });
});
