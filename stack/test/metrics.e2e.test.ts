import { eventually } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

// /metrics of the gateway and the subgraphs, scraped as Prometheus would, over real Kafka.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ kafka: true });
}, 120_000);
afterAll(() => stack?.stop(), 60_000);

async function scrape(graphqlUrl: string): Promise<string> {
  const res = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'));
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample, labels given in any order (a subset of the sample's labels). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

test('requests per operation and outcome, latency, and subgraph fetch latency at the gateway', async () => {
  const q = stack.as('metrics-requests', ['sales']);
  const ok = await q(`mutation CaptureForMetrics { captureLead(input: { email: "m1@metrics.example" }) { id } }`);
  expect(ok.errors).toBeUndefined();
  const bad = await q(`query ContactForMetrics { contact(id: "not-a-uuid") { id } }`);
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

  const gateway = await scrape(stack.gatewayUrl);
  expect(sample(gateway, 'crm_graphql_requests_total', { service: 'gateway', operation: 'CaptureForMetrics', outcome: 'success' })).toBe(1);
  expect(sample(gateway, 'crm_graphql_requests_total', { service: 'gateway', operation: 'ContactForMetrics', outcome: 'error' })).toBe(1);
  expect(sample(gateway, 'crm_graphql_request_duration_seconds_count', { service: 'gateway', operation: 'CaptureForMetrics' })).toBe(1);
  expect(
    sample(gateway, 'crm_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'leads', outcome: '2xx' }),
  ).toBeGreaterThanOrEqual(2);

  const leads = await scrape(stack.services.leads.url);
  // The gateway names its subgraph fetches after the client's operation.
  const leadsOps = leads.split('\n').filter((l) => l.startsWith('crm_graphql_requests_total{') && l.includes('CaptureForMetrics'));
  expect(leadsOps).toHaveLength(1);
  expect(leadsOps[0]).toMatch(/service="leads".*outcome="success".* 1$/);
}, 60_000);

test('outbox backlog and age, dead letters, pool and consumer lag per partition', async () => {
  const leads = stack.services.leads;
  // Nothing is left unsent once the relay has caught up.
  await eventually(async () => {
    const text = await scrape(leads.url);
    return sample(text, 'crm_outbox_backlog_events', { service: 'leads' }) === 0 ? text : undefined;
  }, 30_000);
  // A row the relay cannot have seen yet (inserted while we hold its advisory lock's place: an old created_at, unsent).
  await leads.relay.stop();
  await leads.db.query(
    `WITH stalled AS (
       INSERT INTO crm_outbox (event_id, topic, message_key, event_type, payload, created_at)
       VALUES (gen_random_uuid(), 'crm.leads.v1', 'k', 'contact.created', '{}'::jsonb, now() - interval '90 seconds') RETURNING seq)
     INSERT INTO crm_outbox_pending (seq) SELECT seq FROM stalled`,
  );
  const stalled = await scrape(leads.url);
  expect(sample(stalled, 'crm_outbox_backlog_events', { service: 'leads' })).toBe(1);
  expect(sample(stalled, 'crm_outbox_oldest_unsent_age_seconds', { service: 'leads' })).toBeGreaterThanOrEqual(90);
  // The scrape's own queries hold connections (or wait for ones being opened): the pool is in use, within its 10.
  const pool = ['active', 'idle', 'waiting'].map((state) => sample(stalled, 'crm_db_pool_connections', { service: 'leads', state }) ?? NaN);
  expect(pool[0] + pool[1]).toBeGreaterThanOrEqual(1);
  expect(pool[0] + pool[1]).toBeLessThanOrEqual(10);
  expect(pool[2]).toBeGreaterThanOrEqual(0);
  await leads.db.query(
    `WITH gone AS (DELETE FROM crm_outbox WHERE message_key = 'k' RETURNING seq) DELETE FROM crm_outbox_pending WHERE seq IN (SELECT seq FROM gone)`,
  );

  const pipeline = stack.services.pipeline;
  expect(sample(await scrape(pipeline.url), 'crm_dead_letters_total', { service: 'pipeline' })).toBe(0);
  await pipeline.consumer.consumeBatch([
    { topic: 'crm.leads.v1', key: 'x', value: 'not json', headers: { 'event-type': 'contact.created' } },
  ]);
  expect(sample(await scrape(pipeline.url), 'crm_dead_letters_total', { service: 'pipeline' })).toBe(1);

  // Every partition of every topic analytics reads has a lag sample; all drain to 0.
  const analytics = stack.services.analytics;
  const drained = await eventually(async () => {
    const text = await scrape(analytics.url);
    const lags = text.split('\n').filter((l) => l.startsWith('crm_consumer_lag_messages{'));
    return lags.length >= 3 && lags.every((l) => / 0$/.test(l)) ? lags : undefined;
  }, 60_000);
  expect(drained.some((l) => l.includes('topic="crm.leads.v1"') && l.includes('partition="0"'))).toBe(true);
}, 120_000);
