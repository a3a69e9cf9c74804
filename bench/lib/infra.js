// Infrastructure of the benchmarks (via bench/lib.js): built files, progress lines, cleanup and
// signals, the machine's Postgres (bench databases) and a Kafka broker.
//
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

const ROOT = path.resolve(__dirname, '../..');

/** require() a built file of the repo, e.g. built('stack/dist/stack.js'). */
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
// Output: progress lines (tables and figures: ./report.js)

const started = now();
/** A progress line, prefixed with the seconds since the bench started. */
function progress(msg) {
  process.stdout.write(`[${((now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}

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
  onCleanup(
    'stop Kafka broker',
    async () => {
      // Interrupted mid-start: let that script end first (it may be launching the JVM).
      if (starting && starting.child.exitCode === null && starting.child.signalCode === null) {
        starting.child.kill('SIGTERM');
        await withTimeout(
          'kafka.sh start exit',
          starting.done.catch(() => undefined),
          30_000,
        ).catch(() => undefined);
      }
      progress('Kafka: stopping the broker we started');
      await runKafkaScript(['stop', ...portArgs], 90_000).done;
    },
    130_000,
  );
  const t0 = now();
  starting = runKafkaScript(['start', ...portArgs, '--fresh'], 5 * 60_000);
  const out = await starting.done;
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
  if (!brokers) throw new Error(`kafka.sh start printed no KAFKA_BROKERS line: ${out.trim()}`);
  progress(`Kafka: ${brokers} ready in ${((now() - t0) / 1000).toFixed(1)} s`);
  return { brokers, started: true };
}

module.exports = {
  ROOT,
  built,
  sleep,
  now,
  randomId,
  intEnv,
  progress,
  onCleanup,
  main,
  checkInterrupted,
  waitFor,
  withTimeout,
  postgresUrl,
  databaseUrl,
  withAdmin,
  checkPostgres,
  benchDatabases,
  pgClient,
  kafkaBrokers,
};
