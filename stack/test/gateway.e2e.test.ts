import { SignJWT } from 'jose';
import { eventually, graphql, TEST_JWT_SECRET } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

// The embedded mode (in-process events) through the real HTTP gateway, on real Postgres.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const captureLead = `mutation($input: CaptureLeadInput!) {
  captureLead(input: $input) { id email firstName lifecycleStage company { name domain } stageHistory { from to source actor } }
}`;

describe('authentication at the gateway', () => {
  const query = '{ contacts { totalCount } }';
  test('no token: 401 UNAUTHENTICATED', async () => {
    const res = await graphql(stack.gatewayUrl, query);
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
  test('malformed header, bad signature, expired: 401', async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const expired = await new SignJWT({ tid: 'acme', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1)
      .sign(key);
    const forged = await new SignJWT({ tid: 'acme', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('wrong-secret-xxxxxxxx'));
    for (const authorization of ['Token abc', `Bearer ${forged}`, `Bearer ${expired}`]) {
      const res = await graphql(stack.gatewayUrl, query, {}, { authorization });
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('one graph over five subgraphs', () => {
  test('captureLead then contact, through the gateway to Postgres, and the analytics read model follows by event', async () => {
    const q = stack.as('gw-demo');
    const created = await q<{ captureLead: { id: string } }>(captureLead, {
      input: { email: '  Grace.Hopper@Navy.MIL ', firstName: 'Grace', companyName: 'US Navy', companyDomain: 'navy.mil' },
    });
    expect(created.errors).toBeUndefined();
    const id = created.data!.captureLead.id;
    expect(created.data!.captureLead).toMatchObject({
      email: 'grace.hopper@navy.mil',
      firstName: 'Grace',
      lifecycleStage: 'LEAD',
      company: { name: 'US Navy', domain: 'navy.mil' },
      stageHistory: [{ from: null, to: 'LEAD', source: 'API', actor: 'user-gw-demo' }],
    });

    const again = await q<{ captureLead: { id: string; firstName: string } }>(captureLead, {
      input: { email: 'grace.hopper@navy.mil', firstName: '' },
    });
    expect(again.data!.captureLead).toMatchObject({ id, firstName: 'Grace' }); // same contact, blank never overwrites

    const read = await q(
      `query($id: ID!) { contact(id: $id) { id email lifecycleStage } contacts(first: 10) { totalCount } pipelines { name isDefault } }`,
      { id },
    );
    expect(read.data).toEqual({
      contact: { id, email: 'grace.hopper@navy.mil', lifecycleStage: 'LEAD' },
      contacts: { totalCount: 1 },
      pipelines: [{ name: 'Sales', isDefault: true }],
    });

    const byStage = await eventually(async () => {
      const res = await q<{ contactsByStage: Array<{ stage: string; contacts: number }> }>('{ contactsByStage { stage contacts } }');
      const lead = res.data?.contactsByStage.find((s) => s.stage === 'LEAD');
      return lead?.contacts === 1 ? res.data!.contactsByStage : undefined;
    });
    expect(byStage.reduce((n, s) => n + s.contacts, 0)).toBe(1);
  });

  test('bad input is a BAD_USER_INPUT naming the field, never a 500, and writes nothing', async () => {
    const q = stack.as('gw-bad');
    const res = await q(captureLead, { input: { email: 'not-an-email' } });
    expect(res.status).toBe(200);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    const bad = await q(`{ contact(id: "123") { id } }`);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const page = await q(`{ contacts(first: 1000) { totalCount } }`);
    expect(page.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await q('{ contacts { totalCount } }')).data).toEqual({ contacts: { totalCount: 0 } });
  });

  test('a value GraphQL cannot take (an Int over 2^31) is BAD_USER_INPUT naming the field', async () => {
    const res = await stack.as('gw-int')(captureLead, { input: { email: 'big@example.com', companySize: 3_000_000_000 } });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'companySize' });
  });

  test('a literal 100-row page with nested lists is within the cost limit', async () => {
    const res = await stack.as('gw-cost')(
      '{ contacts(first: 100) { totalCount edges { node { id email company { name } deals { id title amount stage { name } } } } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ contacts: { totalCount: 0, edges: [] } });
  });

  test('roles are enforced: a support user cannot capture leads', async () => {
    const res = await stack.as('gw-roles', ['support'])(captureLead, { input: { email: 'x@example.com' } });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('tenants are isolated through the gateway', async () => {
    const created = await stack.as('gw-t1')<{ captureLead: { id: string } }>(captureLead, { input: { email: 'mine@t1.example' } });
    const id = created.data!.captureLead.id;
    const other = await stack.as('gw-t2')(`query($id: ID!) { contact(id: $id) { id } contacts { totalCount } }`, { id });
    expect(other.data).toEqual({ contact: null, contacts: { totalCount: 0 } });
  });

  test('query depth and alias limits refuse abusive queries before they reach a subgraph', async () => {
    const q = stack.as('gw-limits');
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: contacts { totalCount }`).join(' ');
    const res = await q(`{ ${aliases} }`);
    expect(res.errors?.[0].message).toMatch(/alias/i);
    const deep = await q('{ contacts { edges { node { company { id } stageHistory { to } } } pageInfo { endCursor } } }');
    expect(deep.errors).toBeUndefined();
  });
});

describe('the embedded mode calls its subgraphs in process', () => {
  test('every subgraph call of a query goes through the services` inject, with the signed caller, and the answers are the data', async () => {
    const calls: Array<{ subgraph: string; body: string; signed: boolean }> = [];
    const originals = new Map<string, TestStack['services'][keyof TestStack['services']]['inject']>();
    for (const [name, service] of Object.entries(stack.services)) {
      const inject = service.inject;
      originals.set(name, inject);
      service.inject = (request) => {
        calls.push({ subgraph: name, body: request.body, signed: typeof request.headers['x-crm-signature'] === 'string' });
        return inject(request);
      };
    }
    try {
      const q = stack.as('in-process-calls');
      const created = await q<{ captureLead: { id: string } }>(captureLead, { input: { email: 'inproc@calls.example' } });
      const id = created.data!.captureLead.id;
      await eventually(async () => {
        const res = await q<{ contact: { deals: unknown[]; journey: { currentStage: string } | null } }>(
          'query($id: ID!) { contact(id: $id) { email deals { id } journey { currentStage } } }',
          { id },
        );
        return res.data?.contact.journey?.currentStage === 'LEAD' ? res : undefined;
      });
      const subgraphs = new Set(calls.map((c) => c.subgraph));
      expect(subgraphs).toEqual(new Set(['leads', 'pipeline', 'analytics']));
      expect(calls.every((c) => c.signed)).toBe(true);
      expect(calls.some((c) => c.subgraph === 'leads' && c.body.includes('captureLead'))).toBe(true);
    } finally {
      for (const [name, inject] of originals) stack.services[name as keyof TestStack['services']].inject = inject;
    }
  });
});
