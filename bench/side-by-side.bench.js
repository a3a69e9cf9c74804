// `npm run bench -- side-by-side`: the leads subgraph of two builds at the same moment, so a
// change's effect on its CPU per request is measured apart from this machine's drift.
//
// Alternating runs (as the gateway bench does) leave each pair of runs seconds apart, and this
// machine's speed moves by 15–30 % in that time. Here both builds serve the same seeded tenant
// from the same database, and each round drives both at once (BENCH_CONNECTIONS each, 5): every
// instant of a round is shared, so the ratio of their CPU per request is the change's. A build
// compared with itself (the default) shows the method's own spread.
//
// BENCH_BASE=<another checkout, built> (default: this one), BENCH_ROUNDS (8), BENCH_DURATION
// seconds per round (5). Writes bench/results/side-by-side.{json,md}.
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const lib = require('./lib');
const { startNode, waitHttp, cpuSeconds, runLoad } = require('./lib/processes');
const w = require('./lib/gateway-workloads');

const { ROOT, main, progress, intEnv, randomId, benchDatabases, checkPostgres, fmt } = lib;
const RESULTS = path.join(ROOT, 'bench/results');
const ROUNDS = intEnv('BENCH_ROUNDS', 8);
const DURATION = intEnv('BENCH_DURATION', 5);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 5);
const BASE = path.resolve(process.env.BENCH_BASE || ROOT);

const commitOf = (dir) => {
  try {
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD']).toString().trim();
    // A checkout with uncommitted changes to tracked files is that commit and more.
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no']).toString().trim();
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return 'unknown';
  }
};

/** The peak resident memory of a process so far (VmHWM), in MB. */
const peakRssMb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** One build's leads subgraph on the seeded database. */
async function startLeads(label, checkout, port, databaseUrl, subgraphSecret) {
  const proc = startNode(label, path.join(checkout, 'services/leads/dist/main.js'), {
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    SUBGRAPH_SECRET: subgraphSecret,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
  });
  await waitHttp(proc, `http://127.0.0.1:${port}/ready`);
  return { label, proc, url: `http://127.0.0.1:${port}/graphql` };
}

main('side-by-side bench', async () => {
  await checkPostgres();
  const dbs = benchDatabases('sbs');
  const jwtSecret = randomId(24);
  const subgraphSecret = randomId(24);
  progress(`seeding 300 contacts; base ${BASE} (${commitOf(BASE)}), head ${ROOT} (${commitOf(ROOT)})`);
  const seeded = await w.seedBenchTenant(dbs, jwtSecret, subgraphSecret, 300);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const base = await startLeads('base', BASE, port, dbs.urlFor('leads'), subgraphSecret);
  const head = await startLeads('head', ROOT, port + 1, dbs.urlFor('leads'), subgraphSecret);
  const job = (target, durationSec) => ({
    url: target.url,
    connections: CONNECTIONS,
    durationSec,
    bodies: [w.body(w.LEADS_PAGE, {})],
    headers: {},
    sign: { secret: subgraphSecret, subgraph: 'leads', identity: { tenantId: seeded.tenantId, userId: 'bench', roles: ['admin'] } },
  });
  const round = async (durationSec) => {
    const before = [cpuSeconds(base.proc.pid), cpuSeconds(head.proc.pid)];
    const [b, h] = await Promise.all([runLoad(job(base, durationSec)), runLoad(job(head, durationSec))]);
    const perRequest = (r, i, proc) => ((cpuSeconds(proc.pid) - before[i]) * 1000) / Math.max(1, r.requests);
    return {
      base: { rps: b.rps, cpuMs: perRequest(b, 0, base.proc), failed: b.non2xx + b.errors },
      head: { rps: h.rps, cpuMs: perRequest(h, 1, head.proc), failed: h.non2xx + h.errors },
    };
  };
  await round(3); // warm-up: both JIT-compile their paths
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await round(DURATION);
    r.ratio = r.head.cpuMs / r.base.cpuMs;
    rounds.push(r);
    progress(
      `round ${i + 1}: base ${fmt(r.base.rps, 0)} RPS ${fmt(r.base.cpuMs, 3)} ms | head ${fmt(r.head.rps, 0)} RPS ${fmt(r.head.cpuMs, 3)} ms | head/base ${fmt(r.ratio, 3)}`,
    );
  }
  const ratios = rounds.map((r) => r.ratio);
  const report = {
    finishedAt: new Date().toISOString(),
    machine: w.machine(),
    base: { dir: BASE, commit: commitOf(BASE) },
    head: { dir: ROOT, commit: commitOf(ROOT) },
    settings: { rounds: ROUNDS, durationSec: DURATION, connectionsEach: CONNECTIONS },
    base_cpuMsPerRequest: w.median(rounds.map((r) => r.base.cpuMs)),
    head_cpuMsPerRequest: w.median(rounds.map((r) => r.head.cpuMs)),
    headOverBase: { median: w.median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
    peakRssMb: { base: peakRssMb(base.proc.pid), head: peakRssMb(head.proc.pid) },
    failed: rounds.reduce((s, r) => s + r.base.failed + r.head.failed, 0),
    rounds,
  };
  const md = [
    `# Leads subgraph, two builds side by side (${report.finishedAt})`,
    '',
    `Machine: ${report.machine.nproc} CPUs, ${report.machine.model}, Node ${report.machine.node}. ` +
      `Base ${report.base.commit}, head ${report.head.commit}; ${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections each, both at once.`,
    '',
    '| | leads CPU ms/req (median) | peak RSS MB |',
    '|:--|--:|--:|',
    `| base | ${fmt(report.base_cpuMsPerRequest, 3)} | ${fmt(report.peakRssMb.base, 0)} |`,
    `| head | ${fmt(report.head_cpuMsPerRequest, 3)} | ${fmt(report.peakRssMb.head, 0)} |`,
    `| head/base, per round | ${fmt(report.headOverBase.median, 3)} (${fmt(report.headOverBase.min, 2)}–${fmt(report.headOverBase.max, 2)}) | |`,
    '',
  ].join('\n');
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, 'side-by-side.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(RESULTS, 'side-by-side.md'), md);
  process.stdout.write(`\n${md}`);
  if (report.failed) throw new Error(`${report.failed} requests failed`);
});
