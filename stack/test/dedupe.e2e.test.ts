import { startTestStack, TestStack } from './helpers';

// The gateway's in-flight de-duplication of subgraph calls (gateway/src/dedupe.ts) through the
// real gateway and subgraphs: identical concurrent queries from two tenants share subgraph calls
// within a tenant only, and every caller gets exactly its own tenant's rows.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ kafka: true });
});
afterAll(() => stack?.stop());

const CAPTURE = 'mutation($input: CaptureLeadInput!) { captureLead(input: $input) { id } }';
const PAGE = '{ contacts(first: 10) { totalCount edges { node { email company { domain } deals { id } } } } }';

/** GraphQL requests the leads subgraph has served (its /metrics request histogram). */
async function leadsRequests(): Promise<number> {
  const text = await (await fetch(`${stack.services.leads.url.replace(/\/graphql$/, '')}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('crm_http_request_duration_seconds_count'))
    .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
}

test('100 concurrent identical queries from each of two tenants: each gets only its own rows, identical calls go out once per tenant', async () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const tenants = [`dedupe-a-${suffix}`, `dedupe-b-${suffix}`];
  const expected: Record<string, string[]> = {};
  for (const [t, tenant] of tenants.entries()) {
    const q = stack.as(tenant);
    expected[tenant] = [];
    for (let i = 0; i < 3; i++) {
      const email = `c${i}@t${t}.dedupe.example.com`;
      const res = await q(CAPTURE, { input: { email, companyDomain: `t${t}.dedupe.example.com` } });
      expect(res.errors).toBeUndefined();
      expected[tenant].push(email);
    }
    await q(PAGE); // provisions the tenant in every subgraph outside the measured burst
  }
  const before = await leadsRequests();
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) => tenants[i % 2]).map(async (tenant) => ({ tenant, res: await stack.as(tenant)(PAGE) })),
  );
  const served = (await leadsRequests()) - before;
  for (const { tenant, res } of answers) {
    expect(res.errors).toBeUndefined();
    const emails = (res.data!.contacts.edges as Array<{ node: { email: string; company: { domain: string } } }>)
      .map((e) => e.node.email)
      .sort();
    expect(emails).toEqual([...expected[tenant]].sort());
    expect(res.data!.contacts.totalCount).toBe(3);
  }
  // Every answer above is right; and fewer than one leads call per client request went out.
  expect(served).toBeGreaterThanOrEqual(2);
  expect(served).toBeLessThan(200);
});
