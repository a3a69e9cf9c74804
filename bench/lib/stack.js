// The stack of the benchmarks (via bench/lib.js): GraphQL clients of the gateway, a concurrency
// pool for their requests, and startBenchStack (the whole graph on fresh databases, with tenants).
const { built, now, randomId, progress, onCleanup, checkInterrupted, withTimeout, benchDatabases, pgClient, waitFor } = require('./infra');

// ---------------------------------------------------------------------------------------------
// GraphQL over HTTP (Node's fetch, keep-alive), as a client of the gateway would call it.

async function graphql(url, token, query, variables = {}, timeoutMs = 30_000) {
  const res = await globalThis.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: globalThis.AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
  if (body.errors?.length) {
    const e = body.errors[0];
    throw new Error(`GraphQL error (HTTP ${res.status}): ${e.message}${e.extensions?.code ? ` [${e.extensions.code}]` : ''}`);
  }
  return body.data;
}

/**
 * Run `count` jobs with at most `concurrency` in flight; `job(i)` results in index order.
 * With `timeoutMs`, no job starts after that long and the whole run rejects.
 */
async function pool(count, concurrency, job, { timeoutMs = Infinity, label = 'jobs' } = {}) {
  const results = new Array(count);
  const deadline = now() + timeoutMs;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      checkInterrupted();
      if (now() > deadline) throw new Error(`${label}: only ${next} of ${count} started within ${timeoutMs} ms`);
      const i = next++;
      results[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------
// The whole graph in this process (stack/), as in `npm start`, on fresh databases.

/**
 * Stop what a bench started through its cleanup `release` (bounded by `timeoutMs`), then drop
 * `dbs` and print `message` (a string, or a function of the seconds the stop took).
 */
async function stopAndDrop(label, release, dbs, message, timeoutMs = 60_000) {
  const t0 = now();
  await withTimeout(`stopping ${label}`, release(), timeoutMs);
  const seconds = (now() - t0) / 1000;
  await dbs.drop();
  progress(typeof message === 'function' ? message(seconds) : message);
}

/** A GraphQL client of the gateway at `url` with `token`: gql(query, variables?, timeoutMs?). */
function graphqlClient(url, token) {
  return (query, variables, timeoutMs) => graphql(url, token, query, variables, timeoutMs);
}

/**
 * Databases `bench_<prefix>_<random>_<service>` and the five subgraphs + gateway on them
 * (startStack with a fresh JWT secret, the gateway on any free port of 127.0.0.1, warn logs;
 * `options` are passed on, e.g. kafkaBrokers). `tag` prefixes its progress lines, `note`
 * follows "starting the stack". Returns:
 * - stack, url (the gateway's), dbs, jwtSecret, subgraphSecret;
 * - tenant(prefix = 'bench'): a new tenant `<prefix>_<random>` with an admin token:
 *   { tenantId, token, gql } (gql: graphqlClient);
 * - pg(service): a pg client on that service's database, closed by stop();
 * - stop({ servicesFirst, detail }): closes the pg clients, stops the stack (bounded; with
 *   servicesFirst, its services all at once first), drops the databases and says so, `detail`
 *   (a function of the seconds the stop took) after "stack stopped".
 * Everything is registered with the cleanup too.
 */
async function startBenchStack(
  prefix,
  { tag = '', note = '(five subgraphs + gateway, in-process events)', name = 'the stack', options = {} } = {},
) {
  const { startStack } = built('stack/dist/stack.js');
  const { createLogger } = built('packages/service-kit/dist/index.js');
  const { issueUserToken } = built('gateway/dist/auth.js');
  progress(`${tag}starting the stack${note ? ` ${note}` : ''}`);
  const dbs = benchDatabases(prefix);
  const jwtSecret = randomId(24);
  const subgraphSecret = randomId(24);
  const t0 = now();
  const stack = await startStack({
    databaseUrlFor: (service) => dbs.urlFor(service),
    jwtSecret,
    subgraphSecret,
    gatewayPort: 0,
    host: '127.0.0.1',
    logger: createLogger('bench', 'warn'),
    ...options,
  });
  const stopStack = onCleanup(`stop ${name}`, () => stack.stop(), 60_000);
  progress(`${tag}stack up in ${((now() - t0) / 1000).toFixed(1)} s at ${stack.gatewayUrl}`);
  const url = stack.gatewayUrl;
  const closers = [];
  return {
    stack,
    url,
    dbs,
    jwtSecret,
    /** Signs identities for calling one subgraph directly, as the gateway does. */
    subgraphSecret,
    async tenant(tenantPrefix = 'bench') {
      const tenantId = `${tenantPrefix}_${randomId()}`;
      const token = await issueUserToken({ sub: 'bench', tid: tenantId, roles: ['admin'] }, jwtSecret);
      return { tenantId, token, gql: graphqlClient(url, token) };
    },
    async pg(service) {
      const { client, close } = await pgClient(dbs.urlFor(service), `${service} pg client`);
      closers.push(close);
      return client;
    },
    async stop({ servicesFirst = false, detail } = {}) {
      for (const close of closers.splice(0)) await close();
      // Services first, all at once (stack.stop() stops them one by one, and a Kafka consumer's
      // stop waits out its fetch long-poll, ~5 s each); then stack.stop() closes the gateway and the bus.
      const release = servicesFirst
        ? async () => {
            await withTimeout(`stopping ${name}'s services`, Promise.all(Object.values(stack.services).map((svc) => svc.stop())), 60_000);
            await stopStack();
          }
        : stopStack;
      await stopAndDrop(
        name,
        release,
        dbs,
        (s) => `${tag}stack stopped${detail ? detail(s) : ''}, databases dropped`,
        servicesFirst ? 120_000 : 60_000,
      );
    },
  };
}

/**
 * Every outbox of `pgs` (pg clients, one per service database) sent and every consumer of the
 * stack idle for half a second: the cascade of a setup is over.
 */
async function waitEventsSettled(stack, pgs, label, timeoutMs) {
  const { COUNT_UNSENT_SQL } = built('packages/events/dist/index.js');
  const counters = () =>
    Object.values(stack.services)
      .map((s) => `${s.consumer.processed}/${s.consumer.duplicates}`)
      .join(',');
  let last = '';
  let since = now();
  await waitFor(
    label,
    async () => {
      let unsent = 0;
      for (const pg of Object.values(pgs)) unsent += (await pg.query(COUNT_UNSENT_SQL)).rows[0].n;
      const c = counters();
      if (unsent > 0 || c !== last) {
        last = c;
        since = now();
        return false;
      }
      return now() - since > 500;
    },
    { timeoutMs, everyMs: 50 },
  );
}

module.exports = { graphql, pool, stopAndDrop, graphqlClient, startBenchStack, waitEventsSettled };
