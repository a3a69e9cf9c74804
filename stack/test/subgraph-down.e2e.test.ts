// One subgraph down is not the whole graph down: with pipeline stopped, a contacts query still
// answers what leads can serve, pipeline's fields are null with SUBGRAPH_UNAVAILABLE naming it,
// the gateway stays up, and once pipeline is back on its port the graph is whole again by itself.
import { createLogger } from '@crm/service-kit';
import { createService as createPipeline } from '@crm/pipeline';
import { eventually, TEST_SUBGRAPH_SECRET } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const TENANT = 'outage-pipeline';
const CONTACTS = '{ contacts(first: 5) { edges { node { email deals { title } } } } }';
type Contacts = { contacts: { edges: Array<{ node: { email: string; deals: Array<{ title: string }> | null } }> } };

test('pipeline stopped: the contacts survive with deals null and SUBGRAPH_UNAVAILABLE; restarted on its port, the graph recovers', async () => {
  const q = stack.as(TENANT);
  const ids: string[] = [];
  for (const email of ['ada@down.example', 'bob@down.example']) {
    const res = await q<{ captureLead: { id: string } }>('mutation($e: String!) { captureLead(input: { email: $e }) { id } }', {
      e: email,
    });
    ids.push(res.data!.captureLead.id);
  }
  await eventually(async () => {
    const res = await q('mutation($c: ID!) { createDeal(input: { contactId: $c, title: "Big one", amount: 5 }) { id } }', { c: ids[0] });
    return !res.errors;
  });
  const whole = await q<Contacts>(CONTACTS);
  expect(whole.errors).toBeUndefined();
  const byEmail = (r: { data?: Contacts | null }) => Object.fromEntries(r.data!.contacts.edges.map((e) => [e.node.email, e.node.deals]));
  expect(byEmail(whole)).toEqual({ 'ada@down.example': [{ title: 'Big one' }], 'bob@down.example': [] });

  const { port } = stack.services.pipeline;
  await stack.services.pipeline.stop();

  const partial = await q<Contacts>(CONTACTS);
  expect(partial.status).toBe(200);
  expect(byEmail(partial)).toEqual({ 'ada@down.example': null, 'bob@down.example': null });
  expect(partial.errors?.length).toBeGreaterThan(0);
  for (const e of partial.errors!) expect(e.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'pipeline' });
  expect(partial.errors![0].message).toBe('Subgraph pipeline is unavailable');

  // A query only pipeline can answer: no data, the same coded error, and still not a 5xx.
  const onlyPipeline = await q('{ deals { totalCount } }');
  expect(onlyPipeline.status).toBeLessThan(500);
  expect(onlyPipeline.errors?.[0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'pipeline' });
  // Leads alone is untouched.
  expect((await q('{ contacts { totalCount } }')).data).toEqual({ contacts: { totalCount: 2 } });

  stack.services.pipeline = await createPipeline({
    port,
    databaseUrl: stack.databases.pipeline.url,
    subgraphSecret: TEST_SUBGRAPH_SECRET,
    transport: stack.transports[0],
    closeTransport: false,
    logger: createLogger('pipeline', process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
  const recovered = await eventually(async () => {
    const res = await q<Contacts>(CONTACTS);
    return res.errors ? undefined : res;
  });
  expect(byEmail(recovered)).toEqual({ 'ada@down.example': [{ title: 'Big one' }], 'bob@down.example': [] });
});
