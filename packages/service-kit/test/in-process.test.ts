import { buildSchema, GraphQLObjectType } from 'graphql';
import { createLogger, HttpAuthError, InProcessRequest, maskUnexpectedErrors, RunningHttpServer, startGraphQLHttpServer } from '../src';
import { subgraphExecutor } from '../src/subgraph-executor';

// A call handed to a server in process (inject) answers exactly as the same call over HTTP:
// the same status, body and request id, the same refusals (caller, JSON, size), the same
// masking, and it counts in the same metrics. Once the server stops, it is not served.

const logger = createLogger('test', 'silent');
type Ctx = { tenant: string };

function schema() {
  const built = buildSchema('type Query { hello: String! boom: String }');
  const fields = (built.getType('Query') as GraphQLObjectType).getFields();
  fields.hello.resolve = (_p, _a, ctx: Ctx) => `hi ${ctx.tenant}`;
  fields.boom.resolve = () => {
    throw new Error('secret detail');
  };
  return built;
}

async function start(): Promise<RunningHttpServer> {
  return startGraphQLHttpServer<Ctx>({
    name: 'demo',
    endpoint: subgraphExecutor<Ctx>({
      schema: schema(),
      introspection: false,
      maxTokens: 1000,
      formatError: maskUnexpectedErrors(logger),
      checkPlainFields: true,
    }),
    port: 0,
    logger,
    ready: async () => true,
    bodyLimits: { maxBytes: 2000 },
    // Stands in for the signature check: it sees the method, the headers and the exact body.
    async authenticate(req, raw) {
      if (req.headers['x-tenant'] === undefined) throw new HttpAuthError('Unauthenticated: no caller');
      if (req.method !== 'POST' || !raw.length) throw new HttpAuthError('Unauthenticated: not a POST with a body');
      return { tenant: String(req.headers['x-tenant']) };
    },
  });
}

let server: RunningHttpServer;
beforeAll(async () => {
  server = await start();
});
afterAll(() => server?.stop());

const JSON_TYPE = { 'content-type': 'application/json' };
const cases: Array<[string, InProcessRequest]> = [
  ['a query', { method: 'POST', headers: { ...JSON_TYPE, 'x-tenant': 'acme', 'x-request-id': 'req-1' }, body: '{"query":"{ hello }"}' }],
  ['no caller', { method: 'POST', headers: JSON_TYPE, body: '{"query":"{ hello }"}' }],
  ['malformed JSON', { method: 'POST', headers: { ...JSON_TYPE, 'x-tenant': 'acme' }, body: '{"query":' }],
  [
    'a body past the cap',
    { method: 'POST', headers: { ...JSON_TYPE, 'x-tenant': 'acme' }, body: JSON.stringify({ query: `{ hello }${' '.repeat(3000)}` }) },
  ],
  [
    'a resolver failing',
    { method: 'POST', headers: { ...JSON_TYPE, 'x-tenant': 'acme', 'x-request-id': 'req-2' }, body: '{"query":"{ boom }"}' },
  ],
  [
    'a parse error',
    { method: 'POST', headers: { ...JSON_TYPE, 'x-tenant': 'acme', 'x-request-id': 'req-3' }, body: '{"query":"{ hello"}' },
  ],
];

test.each(cases)('%s: in process as over HTTP', async (_name, request) => {
  const overHttp = await fetch(server.url, {
    method: request.method,
    headers: request.headers as Record<string, string>,
    body: request.body,
  });
  const inProcess = await server.inject(request);
  expect(inProcess.status).toBe(overHttp.status);
  expect(JSON.parse(inProcess.body)).toEqual(await overHttp.json());
  expect(inProcess.headers['x-request-id'] ?? null).toBe(overHttp.headers.get('x-request-id'));
});

test('the answers themselves: data, the refusals with their codes, the masked error', async () => {
  const [ok, noCaller, badJson, tooLarge, failing] = await Promise.all(cases.map(([, r]) => server.inject(r)));
  expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { data: { hello: 'hi acme' } }]);
  expect(ok.headers['x-request-id']).toBe('req-1');
  expect([noCaller.status, JSON.parse(noCaller.body).errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
  expect([badJson.status, JSON.parse(badJson.body).errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
  expect([tooLarge.status, JSON.parse(tooLarge.body).errors[0].message]).toEqual([413, 'Request body exceeds 2000 bytes']);
  expect(JSON.parse(failing.body).errors).toEqual([
    { message: 'Internal server error', path: ['boom'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
  ]);
});

test('in-process calls count in the same metrics as HTTP requests', async () => {
  const count = async () => {
    const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    // Refusals by status: the scrapes themselves (200) do not count here.
    const answered = Number(/crm_http_request_duration_seconds_count\{service="demo",status="401"\} (\d+)/.exec(text)?.[1] ?? 0);
    const refused = Number(/crm_http_requests_refused_total\{service="demo",reason="UNAUTHENTICATED"\} (\d+)/.exec(text)?.[1] ?? 0);
    return [answered, refused];
  };
  const [answered, refused] = await count();
  await server.inject(cases[1][1]);
  await server.inject(cases[1][1]);
  expect(await count()).toEqual([answered + 2, refused + 2]);
});

test('a stopped server serves no in-process call; one under way when it stops still gets its answer', async () => {
  const own = await start();
  const underWay = own.inject(cases[0][1]);
  const stopped = own.stop();
  await expect(own.inject(cases[0][1])).rejects.toThrow('demo is not serving');
  expect(JSON.parse((await underWay).body)).toEqual({ data: { hello: 'hi acme' } });
  await stopped;
});
