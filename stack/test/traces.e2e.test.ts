import { inMemorySpanExporter, startTelemetry, Telemetry } from '@crm/service-kit';
import { issueUserToken } from '@crm/gateway';
import { eventually, graphql, TEST_JWT_SECRET } from '@crm/testing';
import { startTestStack, TestStack } from './helpers';

// One trace per user request, across the event hop: gateway → leads → SQL → outbox → relay
// publish (Kafka header) → the analytics consumer, collected in memory.
const exporter = inMemorySpanExporter();
let telemetry: Telemetry;
let stack: TestStack;
beforeAll(async () => {
  telemetry = startTelemetry('crm-test', { exporter });
  stack = await startTestStack({ kafka: true });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await telemetry?.shutdown();
}, 60_000);

type ReadableSpan = ReturnType<typeof exporter.getFinishedSpans>[number];
const attr = (s: ReadableSpan, name: string) => s.attributes[name];
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

/** Is `ancestor` on the parent chain of `span`? */
function descends(span: ReadableSpan, ancestor: ReadableSpan, byId: Map<string, ReadableSpan>): boolean {
  for (let p = parentOf(span); p; p = byId.get(p) && parentOf(byId.get(p)!)) if (p === ancestor.spanContext().spanId) return true;
  return false;
}

test('a stage change traced from the gateway through leads and its SQL to the analytics consumer', async () => {
  const token = await issueUserToken({ sub: 'tracer', tid: 'traces', roles: ['sales'] }, TEST_JWT_SECRET);
  const call = (requestId: string, query: string, variables = {}) =>
    graphql(stack.gatewayUrl, query, variables, { authorization: `Bearer ${token}`, 'x-request-id': requestId });
  const created = await call('trace-capture', `mutation { captureLead(input: { email: "traced@traces.example" }) { id } }`);
  const id = (created.data as { captureLead: { id: string } }).captureLead.id;
  const changed = await call(
    'trace-stage',
    `mutation Qualify($id: ID!) { changeLifecycleStage(input: { contactId: $id, stage: MQL }) { lifecycleStage } }`,
    { id },
  );
  expect(changed.data).toEqual({ changeLifecycleStage: { lifecycleStage: 'MQL' } });

  const gatewaySpan = await eventually(
    async () =>
      exporter.getFinishedSpans().find((s) => attr(s, 'crm.service') === 'gateway' && attr(s, 'crm.request_id') === 'trace-stage'),
    10_000,
  );
  const traceId = gatewaySpan.spanContext().traceId;
  const linksTrace = (s: ReadableSpan) => s.spanContext().traceId === traceId || s.links.some((l) => l.context.traceId === traceId);
  const consumed = await eventually(
    async () => exporter.getFinishedSpans().find((s) => attr(s, 'messaging.consumer.group.name') === 'analytics' && linksTrace(s)),
    60_000,
  );

  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  expect(parentOf(gatewaySpan)).toBeUndefined(); // the trace starts at the gateway
  expect(attr(gatewaySpan, 'crm.tenant_id')).toBe('traces');

  const leadsSpan = spans.find((s) => attr(s, 'crm.service') === 'leads');
  expect(leadsSpan).toBeDefined();
  expect(attr(leadsSpan!, 'crm.request_id')).toBe('trace-stage'); // the gateway forwards the id
  expect(descends(leadsSpan!, gatewaySpan, byId)).toBe(true);
  // The subgraph executor's span for the query plan's leads operation.
  const execution = spans.find((s) => attr(s, 'graphql.operation.type') === 'mutation' && descends(s, leadsSpan!, byId));
  expect(execution?.name).toMatch(/^mutation Qualify__leads__\d+$/);

  const sql = spans.filter((s) => s.instrumentationScope.name.includes('instrumentation-pg') && descends(s, leadsSpan!, byId));
  const statements = sql.map((s) => String(attr(s, 'db.statement') ?? attr(s, 'db.query.text') ?? ''));
  expect(statements.some((q) => /INSERT INTO crm_outbox/.test(q))).toBe(true);
  expect(statements.some((q) => /UPDATE|INSERT/.test(q) && /contact/i.test(q))).toBe(true);

  const published = spans.find((s) => s.name === 'publish crm.leads.v1' && attr(s, 'crm.event_type') === 'contact.lifecycle_stage_changed');
  expect(published).toBeDefined();
  expect(published!.kind).toBe(3); // PRODUCER
  // The consumer continues from the publish: as its child, or (a batch) by a link to it.
  const fromPublish =
    parentOf(consumed) === published!.spanContext().spanId ||
    consumed.links.some((l) => l.context.spanId === published!.spanContext().spanId);
  expect(fromPublish).toBe(true);
  expect(consumed.kind).toBe(4); // CONSUMER
}, 120_000);
