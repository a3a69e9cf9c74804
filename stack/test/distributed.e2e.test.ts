import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SUBGRAPHS } from '@crm/gateway';
import { issueUserToken } from '@crm/gateway';
import { eventually, graphql, testDatabase, TestDatabase, TEST_POOL_SIZE } from '@crm/testing';

// docs/architecture.md distributed mode: each service and the gateway as its own process (the compiled
// main.js entry points), configured only by env, wired by a real Kafka broker.
const root = path.join(__dirname, '../..');
const SECRET = randomBytes(16).toString('hex');
const JWT = randomBytes(16).toString('hex');
const BASE_PORT = 14100 + Math.floor(Math.random() * 50) * 10;
// Topics are not namespaced here (as in production): a fresh tenant keeps earlier runs' events out.
const TENANT = `dist-${randomBytes(4).toString('hex')}`;

interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
}
const procs: Proc[] = [];
const dbs: TestDatabase[] = [];

function start(name: string, entry: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join(root, entry)], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = { name, child, output: [] as string[] };
  child.stdout!.on('data', (d) => proc.output.push(String(d)));
  child.stderr!.on('data', (d) => proc.output.push(String(d)));
  procs.push(proc);
  return proc;
}

const exited = (p: Proc) =>
  new Promise<number | null>((resolve) =>
    p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once('exit', (code) => resolve(code)),
  );

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the distributed e2e needs a real broker');
  const urls: Record<string, string> = {};
  for (const [i, { name }] of SUBGRAPHS.entries()) {
    const db = testDatabase(`dist_${name}`);
    dbs.push(db);
    const port = BASE_PORT + i + 1;
    urls[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${port}/graphql`;
    start(name, `services/${name}/dist/main.js`, {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      DB_POOL_SIZE: String(TEST_POOL_SIZE),
      SUBGRAPH_SECRET: SECRET,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    });
  }
  for (const url of Object.values(urls)) {
    await eventually(async () => (await fetch(url.replace('/graphql', '/ready'))).status === 200, 60_000, 200);
  }
  start('gateway', 'gateway/dist/main.js', {
    PORT: String(BASE_PORT),
    HOST: '127.0.0.1',
    AUTH_JWT_SECRET: JWT,
    SUBGRAPH_SECRET: SECRET,
    ...urls,
  });
  await eventually(async () => (await fetch(`http://127.0.0.1:${BASE_PORT}/health`)).status === 200, 30_000, 200);
}, 120_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all(procs.map(exited));
  await Promise.all(dbs.map((d) => d.drop()));
}, 60_000);

test('a lead captured through the gateway process reaches the analytics process through Kafka', async () => {
  const token = await issueUserToken({ sub: 'dist-user', tid: TENANT, roles: ['admin'] }, JWT);
  const auth = { authorization: `Bearer ${token}` };
  const url = `http://127.0.0.1:${BASE_PORT}/graphql`;
  const created = await graphql<{ captureLead: { id: string } }>(
    url,
    `
      mutation {
        captureLead(input: { email: "dist@example.com" }) {
          id
          lifecycleStage
        }
      }
    `,
    {},
    auth,
  );
  expect(created.errors).toBeUndefined();
  const id = created.data!.captureLead.id;
  const moved = await graphql(
    url,
    `
      mutation ($id: ID!) {
        changeLifecycleStage(input: { contactId: $id, stage: SQL }) {
          lifecycleStage
        }
      }
    `,
    { id },
    auth,
  );
  expect(moved.data).toEqual({ changeLifecycleStage: { lifecycleStage: 'SQL' } });
  const counts = await eventually(async () => {
    const res = await graphql<{ contactsByStage: Array<{ stage: string; contacts: number }> }>(
      url,
      '{ contactsByStage { stage contacts } }',
      {},
      auth,
    );
    // SQL opens a deal, which moves the contact on to OPPORTUNITY: analytics may apply both in
    // one batch, so the contact is seen in one or the other.
    const qualified = res.data?.contactsByStage
      .filter((s) => s.stage === 'SQL' || s.stage === 'OPPORTUNITY')
      .reduce((n, s) => n + s.contacts, 0);
    return qualified === 1 ? res.data!.contactsByStage : undefined;
  }, 60_000);
  expect(counts.reduce((n, s) => n + s.contacts, 0)).toBe(1);
}, 90_000);

test('SIGTERM stops a service cleanly (exit 0) and the gateway reports the subgraph error without crashing', async () => {
  const analytics = procs.find((p) => p.name === 'analytics')!;
  analytics.child.kill('SIGTERM');
  expect(await exited(analytics)).toBe(0);
  const token = await issueUserToken({ sub: 'dist-user', tid: TENANT, roles: ['admin'] }, JWT);
  const res = await graphql(
    `http://127.0.0.1:${BASE_PORT}/graphql`,
    '{ contactsByStage { stage contacts } }',
    {},
    { authorization: `Bearer ${token}` },
  );
  expect(res.errors?.length).toBeGreaterThan(0);
  expect((await fetch(`http://127.0.0.1:${BASE_PORT}/health`)).status).toBe(200);
}, 60_000);

test('a missing or malformed variable stops a process with one line naming it', async () => {
  const bad = start('bad', 'services/leads/dist/main.js', { PORT: '4999', DATABASE_URL: 'mysql://nope', SUBGRAPH_SECRET: SECRET });
  expect(await exited(bad)).toBe(1);
  expect(bad.output.join('')).toBe('Invalid configuration: DATABASE_URL must be a postgres:// URL\n');
  const missing = start('missing', 'gateway/dist/main.js', { SUBGRAPH_SECRET: SECRET });
  expect(await exited(missing)).toBe(1);
  expect(missing.output.join('')).toBe('Invalid configuration: AUTH_JWT_SECRET is required\n');
});
