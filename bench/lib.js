// Shared infrastructure of the benchmarks (bench/*.bench.js). Plain CommonJS over the BUILT
// workspaces (dist/): `npm run bench` compiles them first (scripts/bench.js).
//
// A benchmark prints figures; it is never a timed test and asserts nothing but "it ran".
// Everything a bench starts (databases, a Kafka broker, a stack) is registered with `cleanup`
// and torn down at the end, on error and on SIGINT/SIGTERM/SIGHUP, in reverse order.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const timers = require('node:timers');
const { setTimeout: delay } = require('node:timers/promises');
const { URL } = require('node:url');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..');

/** require() a built file of the repo, e.g. built('packages/stack/dist/stack.js'). */
function built(rel) {
  try {
    return require(path.join(ROOT, rel));
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND') {
      throw new Error(`${rel} is not built: run \`npm run build\` (or \`npm run bench\`, which builds first)`, { cause: err });
    }
    throw err;
  }
}

const sleep = (ms) => delay(ms);
const now = () => performance.now();
const randomId = (bytes = 4) => randomBytes(bytes).toString('hex');

/** A positive integer from the environment variable `name`; `dflt` when it is unset or empty. */
function intEnv(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Output

const started = now();
/** A progress line, prefixed with the seconds since the bench started. */
function progress(msg) {
  process.stdout.write(`[${((now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
/** Current resident set size and the peak so far (getrusage maxrss). */
function memory() {
  return { rss: process.memoryUsage().rss, peakRss: process.resourceUsage().maxRSS * 1024 };
}
function memoryLine() {
  const m = memory();
  return `process RSS ${mb(m.rss)} (peak ${mb(m.peakRss)})`;
}

/**
 * Print rows as an aligned text table. `columns`: [{ key, title, align: 'left'|'right' }];
 * numbers should be formatted by the caller (cells are printed with String()).
 */
function printTable(columns, rows, title) {
  const cells = rows.map((r) => columns.map((c) => (r[c.key] === undefined || r[c.key] === null ? '-' : String(r[c.key]))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const pad = (s, i) => ((columns[i].align ?? (i === 0 ? 'left' : 'right')) === 'left' ? s.padEnd(widths[i]) : s.padStart(widths[i]));
  const line = (parts) => `| ${parts.join(' | ')} |`;
  const out = [];
  if (title) out.push(title);
  out.push(line(columns.map((c, i) => pad(c.title, i))));
  out.push(`|${widths.map((w, i) => ((columns[i].align ?? (i === 0 ? 'left' : 'right')) === 'left' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of cells) out.push(line(row.map(pad)));
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * A table of named figures: a left-aligned first column titled `title`, then one column per
 * entry of `valueTitles`; each row is `[metric, ...cells]`, one cell per value column.
 */
function printMetrics(title, valueTitles, rows) {
  printTable(
    [{ key: 'metric', title, align: 'left' }, ...valueTitles.map((t, i) => ({ key: `v${i}`, title: t }))],
    rows.map(([metric, ...cells]) => Object.fromEntries([['metric', metric], ...cells.map((c, i) => [`v${i}`, c])])),
  );
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of an ascending array (p in 0..100). */
function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** { n, min, mean, p50, p90, p95, p99, max } of a list of numbers. */
function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');

// ---------------------------------------------------------------------------------------------
// Cleanup: reverse order, bounded, run once (normal end, error, or signal).

const cleanups = [];
let cleaningUp;

/** Register a teardown; returns `release()`, which runs it now (once) and unregisters it. */
function onCleanup(label, fn, timeoutMs = 60_000) {
  const entry = { label, fn, timeoutMs, done: undefined };
  entry.run = () => {
    entry.done ??= (async () => {
      const i = cleanups.indexOf(entry);
      if (i >= 0) cleanups.splice(i, 1);
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = timers.setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
      });
      try {
        await Promise.race([Promise.resolve().then(fn), timeout]);
      } catch (err) {
        process.stderr.write(`cleanup "${label}" failed: ${err && err.message ? err.message : err}\n`);
      } finally {
        timers.clearTimeout(timer);
      }
    })();
    return entry.done;
  };
  cleanups.push(entry);
  return entry.run;
}

function runCleanups() {
  cleaningUp ??= (async () => {
    while (cleanups.length) await cleanups[cleanups.length - 1].run();
  })();
  return cleaningUp;
}

let interrupted;
/**
 * The body of a bench file: runs `fn`, then every cleanup; exits 1 on error, 130 on SIGINT.
 * A second signal while cleaning up is ignored (the teardown is bounded), so a broker we
 * started is never left behind by an impatient Ctrl-C.
 */
function main(name, fn) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (interrupted) {
        process.stderr.write(`${name}: ${signal} again; still cleaning up (bounded), please wait\n`);
        return;
      }
      interrupted = signal;
      process.stderr.write(`\n${name}: ${signal}; cleaning up ...\n`);
      runCleanups().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`${name}: unhandled rejection: ${err && err.stack ? err.stack : err}\n`);
    runCleanups().finally(() => process.exit(1));
  });
  (async () => {
    let code = 0;
    try {
      await fn();
    } catch (err) {
      if (!interrupted) {
        process.stderr.write(`${name} failed: ${err && err.stack ? err.stack : err}\n`);
        code = 1;
      }
    }
    if (interrupted) return; // the signal handler finishes and exits
    await runCleanups();
    process.exit(code);
  })();
}

/** Stop work early when a signal arrived (long loops check this). */
function checkInterrupted() {
  if (interrupted) throw new Error(`interrupted (${interrupted})`);
}

/** Poll `check` every `everyMs` until it returns a truthy value; throws after `timeoutMs`. */
async function waitFor(label, check, { timeoutMs = 60_000, everyMs = 20 } = {}) {
  const deadline = now() + timeoutMs;
  for (;;) {
    checkInterrupted();
    const value = await check();
    if (value) return value;
    if (now() > deadline) throw new Error(`${label}: not done within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Postgres: the machine's server (trust auth) unless DATABASE_URL says otherwise.

function postgresUrl() {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

function databaseUrl(name) {
  const url = new URL(postgresUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin(work) {
  const client = new Client({ connectionString: databaseUrl('postgres'), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Fail fast, with the URL, when the server is not there. */
async function checkPostgres() {
  try {
    await withAdmin((c) => c.query('SELECT 1'));
  } catch (err) {
    const safe = new URL(postgresUrl());
    safe.password = safe.password ? '***' : '';
    throw new Error(`PostgreSQL is not reachable at ${safe} (set DATABASE_URL): ${err.message}`, { cause: err });
  }
}

/**
 * A family of uniquely named databases, `bench_<prefix>_<random>_<service>`, created on first
 * use (the services create their own) and all dropped WITH (FORCE) at cleanup.
 */
function benchDatabases(prefix) {
  const base = `bench_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomId()}`;
  const names = new Set();
  const drop = async () => {
    await withAdmin(async (c) => {
      for (const n of names) await c.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
    });
  };
  const release = onCleanup(`drop databases ${base}_*`, drop);
  return {
    base,
    urlFor(service) {
      const name = `${base}_${service}`;
      names.add(name);
      return databaseUrl(name);
    },
    drop: release,
  };
}

/** A dedicated pg client (for polling); closed at cleanup unless closed before. */
async function pgClient(url, label = 'pg client') {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // a FORCE drop at the end may cut it
  await client.connect();
  const close = onCleanup(label, () => client.end(), 10_000);
  return { client, close };
}

// ---------------------------------------------------------------------------------------------
// Kafka: KAFKA_BROKERS if set, else a real broker from tools/kafka/kafka.sh that we stop.

const KAFKA_PORT = 29092;

/** Run kafka.sh; `{ child, done }` where done resolves to its stdout (the one result line). */
function runKafkaScript(args, timeoutMs) {
  const child = spawn('bash', [path.join(ROOT, 'tools/kafka/kafka.sh'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // kafka.sh reports progress on stderr: forward it as it comes.
    child.stderr.on('data', (d) => process.stdout.write(String(d).replace(/^(?=.)/gm, '  ')));
    const timer = timers.setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`kafka.sh ${args[0]} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => {
      timers.clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      timers.clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`kafka.sh ${args.join(' ')} exited with ${code ?? signal}`));
    });
  });
  return { child, done };
}

/**
 * { brokers, started }. When this process starts the broker, its stop is registered right
 * away (before the start finishes), so an error or Ctrl-C during start-up still stops it.
 */
async function kafkaBrokers() {
  if (process.env.KAFKA_BROKERS) {
    progress(`Kafka: using KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`);
    return { brokers: process.env.KAFKA_BROKERS, started: false };
  }
  const dir = path.join(os.tmpdir(), 'crm-bench-kafka');
  const portArgs = ['--port', String(KAFKA_PORT), '--dir', dir];
  progress(`Kafka: starting a broker on 127.0.0.1:${KAFKA_PORT} (dir ${dir})`);
  let starting;
  onCleanup('stop Kafka broker', async () => {
    // Interrupted mid-start: let that script end first (it may be launching the JVM).
    if (starting && starting.child.exitCode === null && starting.child.signalCode === null) {
      starting.child.kill('SIGTERM');
      await withTimeout('kafka.sh start exit', starting.done.catch(() => undefined), 30_000).catch(() => undefined);
    }
    progress('Kafka: stopping the broker we started');
    await runKafkaScript(['stop', ...portArgs], 90_000).done;
  }, 130_000);
  const t0 = now();
  starting = runKafkaScript(['start', ...portArgs, '--fresh'], 5 * 60_000);
  const out = await starting.done;
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
  if (!brokers) throw new Error(`kafka.sh start printed no KAFKA_BROKERS line: ${out.trim()}`);
  progress(`Kafka: ${brokers} ready in ${((now() - t0) / 1000).toFixed(1)} s`);
  return { brokers, started: true };
}

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

/** Settle `promise` within `ms`, else reject naming `label` (for stops that could hang). */
function withTimeout(label, promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = timers.setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => timers.clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// Timing loops

/**
 * Time `request` (an async call): `warmup` untimed calls, then up to `runs` timed ones, one
 * after the other; none starts once `budgetMs` have passed since the first. Returns
 * { times (ms), summary (summarize(times)), last (the last call's result) }.
 */
async function timeRuns(request, { warmup = 0, runs, budgetMs = Infinity }) {
  let last;
  for (let i = 0; i < warmup; i++) last = await request();
  const times = [];
  const start = now();
  for (let i = 0; i < runs; i++) {
    checkInterrupted();
    if (now() - start > budgetMs) break;
    const t0 = now();
    last = await request();
    times.push(now() - t0);
  }
  return { times, summary: summarize(times), last };
}

// ---------------------------------------------------------------------------------------------
// SQL statements of a request: TypeORM calls logger.logQuery for every statement, whatever the
// logging option, so wrapping it counts them; EXPLAIN (ANALYZE) and re-runs price them.

/**
 * Wrap the logger.logQuery of every service of `services` (name -> { db: DataSource }) while
 * `fn` runs. Returns { result, statements: { [name]: [{ query, parameters }] } }.
 */
async function captureSql(services, fn) {
  const restore = [];
  const statements = Object.fromEntries(Object.keys(services).map((name) => [name, []]));
  for (const [name, service] of Object.entries(services)) {
    const logger = service.db.logger;
    const original = logger.logQuery;
    logger.logQuery = function logQuery(query, parameters, queryRunner) {
      statements[name].push({ query, parameters: parameters ? [...parameters] : [] });
      return original.call(this, query, parameters, queryRunner);
    };
    restore.push(() => {
      logger.logQuery = original;
    });
  }
  try {
    return { result: await fn(), statements };
  } finally {
    for (const r of restore) r();
  }
}

const isSelect = (sql) => /^\s*(WITH|SELECT)\b/i.test(sql);

/**
 * EXPLAIN (ANALYZE[, BUFFERS], FORMAT JSON) of a statement: { executionMs, planningMs }, and
 * with `text` its text plan too (`lines`, from one more EXPLAIN (ANALYZE[, BUFFERS]) run).
 */
async function explain(pg, sql, parameters, { buffers = false, text = false } = {}) {
  const options = buffers ? 'ANALYZE, BUFFERS' : 'ANALYZE';
  const { rows } = await pg.query(`EXPLAIN (${options}, FORMAT JSON) ${sql}`, parameters);
  const [plan] = rows[0]['QUERY PLAN'];
  let lines;
  if (text) {
    const r = await pg.query(`EXPLAIN (${options}) ${sql}`, parameters);
    lines = r.rows.map((x) => x['QUERY PLAN']);
  }
  return { executionMs: plan['Execution Time'], planningMs: plan['Planning Time'], lines };
}

/** Median wall time (ms) of `sql` re-run `times` times on `pg` (the statement alone, over loopback). */
async function rerunMs(pg, sql, parameters, times = 5) {
  const t = [];
  for (let i = 0; i < times; i++) {
    const t0 = now();
    await pg.query(sql, parameters);
    t.push(now() - t0);
  }
  return summarize(t).p50;
}

/**
 * The database's share of `statements`: each SELECT under EXPLAIN (ANALYZE) (dbMs: the sum of
 * their execution times) and re-run 5 times on `pg` (sqlMs: the sum of their medians). With
 * `planOf(statement)` true, its text plan is kept too: `plan` is the last such one
 * ({ sql, parameters, executionMs, planningMs, lines }).
 */
async function statementCost(pg, statements, { buffers = false, planOf = () => false } = {}) {
  let dbMs = 0;
  let sqlMs = 0;
  let plan;
  for (const s of statements.filter((x) => isSelect(x.query))) {
    const e = await explain(pg, s.query, s.parameters, { buffers, text: planOf(s) });
    dbMs += e.executionMs;
    sqlMs += await rerunMs(pg, s.query, s.parameters);
    if (e.lines) plan = { sql: s.query, parameters: s.parameters, ...e };
  }
  return { dbMs, sqlMs, plan };
}

/**
 * A query's latency and its SQL: timeRuns(request, timing), then one more request with the
 * statements of `services` captured, priced by statementCost on `pg` (`cost`: its options).
 * Returns { times, summary, last, statements (all services', in order), dbMs, sqlMs, plan }.
 */
async function measureQuery(request, { services, pg, cost, ...timing }) {
  const timed = await timeRuns(request, timing);
  const captured = await captureSql(services, request);
  const statements = Object.values(captured.statements).flat();
  return { ...timed, statements, ...(await statementCost(pg, statements, cost)) };
}

/** The columns measureCells fills, for a table whose first columns say what was measured. */
function measureColumns(service) {
  return [
    { key: 'runs', title: 'runs' },
    { key: 'p50', title: 'p50 ms' },
    { key: 'p95', title: 'p95 ms' },
    { key: 'max', title: 'max ms' },
    { key: 'sql', title: `${service} SQL` },
    { key: 'sqlMs', title: 'SQL ms (re-run)' },
    { key: 'dbMs', title: 'DB ms (EXPLAIN ANALYZE)' },
  ];
}

/** The cells of measureColumns for a measureQuery result. */
function measureCells(m) {
  return {
    runs: String(m.summary.n),
    p50: fmt(m.summary.p50),
    p95: fmt(m.summary.p95),
    max: fmt(m.summary.max),
    sql: String(m.statements.length),
    sqlMs: fmt(m.sqlMs),
    dbMs: fmt(m.dbMs),
  };
}

/** One line, the select list collapsed (`SELECT <12 columns> FROM ...`) so the FROM/WHERE part shows. */
const oneLine = (sql, max = 160) => {
  const s = sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^SELECT (.+?) FROM /, (m, cols) => (cols.length > 60 ? `SELECT <${cols.split(', "').length} columns> FROM ` : m));
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
};

// ---------------------------------------------------------------------------------------------
// The whole graph in this process (packages/stack), as in `npm start`, on fresh databases.

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
 * - stack, url (the gateway's), dbs, jwtSecret;
 * - tenant(prefix = 'bench'): a new tenant `<prefix>_<random>` with an admin token:
 *   { tenantId, token, gql } (gql: graphqlClient);
 * - pg(service): a pg client on that service's database, closed by stop();
 * - stop({ servicesFirst, detail }): closes the pg clients, stops the stack (bounded; with
 *   servicesFirst, its services all at once first), drops the databases and says so, `detail`
 *   (a function of the seconds the stop took) after "stack stopped".
 * Everything is registered with the cleanup too.
 */
async function startBenchStack(prefix, { tag = '', note = '(five subgraphs + gateway, in-process events)', name = 'the stack', options = {} } = {}) {
  const { startStack } = built('packages/stack/dist/stack.js');
  const { createLogger } = built('packages/service-kit/dist/index.js');
  const { issueUserToken } = built('gateway/dist/auth.js');
  progress(`${tag}starting the stack${note ? ` ${note}` : ''}`);
  const dbs = benchDatabases(prefix);
  const jwtSecret = randomId(24);
  const t0 = now();
  const stack = await startStack({
    databaseUrlFor: (service) => dbs.urlFor(service),
    jwtSecret,
    subgraphSecret: randomId(24),
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
      await stopAndDrop(name, release, dbs, (s) => `${tag}stack stopped${detail ? detail(s) : ''}, databases dropped`, servicesFirst ? 120_000 : 60_000);
    },
  };
}

module.exports = {
  ROOT,
  built,
  sleep,
  now,
  randomId,
  intEnv,
  progress,
  mb,
  memory,
  memoryLine,
  printTable,
  printMetrics,
  percentile,
  summarize,
  fmt,
  fmtInt,
  onCleanup,
  main,
  checkInterrupted,
  waitFor,
  postgresUrl,
  databaseUrl,
  withAdmin,
  checkPostgres,
  benchDatabases,
  pgClient,
  kafkaBrokers,
  graphql,
  pool,
  withTimeout,
  timeRuns,
  captureSql,
  isSelect,
  explain,
  rerunMs,
  statementCost,
  measureQuery,
  measureColumns,
  measureCells,
  oneLine,
  stopAndDrop,
  graphqlClient,
  startBenchStack,
};
