// Separate processes for bench/gateway.bench.js: subgraphs, gateways and load generators, each
// its own Node process, with their CPU time (/proc/<pid>/stat) and their /metrics counters.
const { spawn, execFileSync } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { ROOT, onCleanup, waitFor } = require('./infra');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * Start `node script` with `env` (on top of PATH and NODE_ENV=production, as every deployed
 * process runs: graphql-js, for one, skips its development checks); stopped by SIGTERM at cleanup. With
 * `cpuProfile`, a V8 CPU profile is written into that folder when the process exits.
 */
function startNode(label, script, env, { cpuProfile } = {}) {
  const flags = cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfile}`] : [];
  const child = spawn(process.execPath, [...flags, path.resolve(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const stop = onCleanup(
    `stop ${label}`,
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        globalThis.setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
    15_000,
  );
  return { label, child, pid: child.pid, stop, stderr: () => stderr };
}

/** Wait until `url` answers 200 (or the process exits). */
async function waitHttp(proc, url) {
  await waitFor(
    `${proc.label} at ${url}`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`${proc.label} exited: ${proc.stderr()}`);
      try {
        return (await globalThis.fetch(url)).status === 200;
      } catch {
        return false;
      }
    },
    { timeoutMs: 60_000, everyMs: 100 },
  );
}

/** CPU seconds (user + system) in a /proc/<pid>/stat text. */
function cpuSecondsOfStat(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** CPU seconds (user + system) the process has used so far. */
const cpuSeconds = (pid) => cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/**
 * CPU seconds used so far by every process named `comm` that is alive now (`postgres`: the
 * backends, the WAL writer, the checkpointer, autovacuum). A process that exits between two
 * reads takes its time with it: compare reads around work that the same processes do.
 */
function cpuSecondsOfAll(comm) {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === comm) total += cpuSecondsOfStat(stat);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** GraphQL requests served and SQL statements sent (the scrape's own gauge reads are not counted), from a server's /metrics. */
async function counters(baseUrl) {
  const text = await (await globalThis.fetch(`${baseUrl}/metrics`)).text();
  const sum = (name) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name))
      .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
  return { requests: sum('crm_http_request_duration_seconds_count'), statements: sum('crm_sql_statements_total') };
}

/** Run one autocannon job in its own process (bench/lib/load.js); resolves its JSON line. */
function runLoad(job) {
  return new Promise((resolve, reject) => {
    // The job goes through stdin: hundreds of bodies exceed what argv can hold.
    const child = spawn(process.execPath, [path.join(__dirname, 'load.js')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(JSON.stringify(job));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`load generator exit ${code}`);
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (err) {
        reject(err);
      }
    });
  });
}

module.exports = { startNode, waitHttp, cpuSeconds, cpuSecondsOfAll, counters, runLoad };
