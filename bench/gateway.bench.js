// `npm run bench -- gateway [--check]`: our gateway against Hive Gateway on the same supergraph
// and the same running subgraphs, each its own process (docs/performance.md).
//
// 1. seeds a tenant through the use cases (the whole graph in this process, in-process events);
// 2. stops it and starts every subgraph as its own process on those databases (no events needed
//    after seeding), our gateway (gateway/dist/main.js) and Hive Gateway (bench/lib/hive-gateway.js);
// 3. checks that both answer every workload with identical `data`;
// 4. drives each with autocannon in its own process, in alternating rounds, and reads each
//    process's CPU time (/proc) and the subgraphs' request and SQL counters (/metrics);
// 5. writes bench/results/gateway.json and .md; with --check, fails when a ratio falls below
//    bench/results/gateway-floor.json by more than the noise measured across rounds.
//
// BENCH_CONTACTS (300), BENCH_DURATION seconds per run (5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (10),
// BENCH_WARMUP seconds per target and workload before the rounds (2), BENCH_ONLY=page,leads-direct
// (workloads to run; written to gateway-partial.{json,md}; a --check run writes gateway-check.{json,md}), BENCH_CPU_PROF=leads,ours (CPU profiles of those processes).
const { mkdirSync, writeFileSync, readFileSync, existsSync } = require('node:fs');
const path = require('node:path');
const lib = require('./lib');
const { startNode, waitHttp, cpuSeconds, counters, runLoad } = require('./lib/processes');
const w = require('./lib/gateway-workloads');

const { median, machine, post } = w;

const { ROOT, built, main, progress, intEnv, randomId, benchDatabases, checkPostgres, fmt } = lib;
const CONTACTS = intEnv('BENCH_CONTACTS', 300);
const DURATION = intEnv('BENCH_DURATION', 5);
const ROUNDS = intEnv('BENCH_ROUNDS', 3);
const WARMUP = intEnv('BENCH_WARMUP', 2);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 10);
const CHECK = process.argv.includes('--check');
const RESULTS = path.join(ROOT, 'bench/results');
const FLOOR_FILE = path.join(RESULTS, 'gateway-floor.json');

/** BENCH_CPU_PROF=leads,ours: V8 CPU profiles of those processes in bench/results/profiles/. */
const profiled = (name) =>
  (process.env.BENCH_CPU_PROF ?? '').split(',').includes(name) ? path.join(RESULTS, 'profiles', name) : undefined;

async function startProcesses(dbs, jwtSecret, subgraphSecret) {
  const { SUBGRAPHS, urlVariable } = built('gateway/dist/compose.js');
  const base = 20_000 + Math.floor(Math.random() * 20_000);
  const subgraphs = SUBGRAPHS.map((s, i) => {
    const port = base + 1 + i;
    const proc = startNode(
      s.name,
      `services/${s.name}/dist/main.js`,
      { PORT: String(port), DATABASE_URL: dbs.urlFor(s.name), SUBGRAPH_SECRET: subgraphSecret, LOG_LEVEL: 'warn', HOST: '127.0.0.1' },
      { cpuProfile: profiled(s.name) },
    );
    return { name: s.name, proc, base: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/graphql` };
  });
  for (const s of subgraphs) await waitHttp(s.proc, `${s.base}/ready`);
  const urls = Object.fromEntries(subgraphs.map((s) => [s.name, s.url]));
  // Both of our gateways: the same settings, on their own ports.
  const oursEnv = {
    HOST: '127.0.0.1',
    AUTH_JWT_SECRET: jwtSecret,
    SUBGRAPH_SECRET: subgraphSecret,
    LOG_LEVEL: 'warn',
    // One bench user sends thousands of requests a minute: the limiter still runs, never refuses.
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    ...Object.fromEntries(subgraphs.map((s) => [urlVariable(s.name), s.url])),
  };
  const ours = startNode('our gateway', 'gateway/dist/main.js', { ...oursEnv, PORT: String(base) }, { cpuProfile: profiled('ours') });
  const plain = startNode('our gateway, no dedupe', 'gateway/dist/main.js', {
    ...oursEnv,
    PORT: String(base + 20),
    SUBGRAPH_DEDUPE: 'off',
  });
  const hive = startNode('hive gateway', 'bench/lib/hive-gateway.js', {
    PORT: String(base + 10),
    AUTH_JWT_SECRET: jwtSecret,
    SUBGRAPH_SECRET: subgraphSecret,
    SUPERGRAPH_FILE: path.join(ROOT, 'gateway/supergraph.graphql'),
    SUBGRAPH_URLS: JSON.stringify(urls),
  });
  await waitHttp(ours, `http://127.0.0.1:${base}/health`);
  await waitHttp(plain, `http://127.0.0.1:${base + 20}/health`);
  await waitHttp(hive, `http://127.0.0.1:${base + 10}/healthcheck`);
  return {
    subgraphs,
    gateways: [
      { name: 'ours', proc: ours, url: `http://127.0.0.1:${base}/graphql` },
      { name: 'hive', proc: hive, url: `http://127.0.0.1:${base + 10}/graphql` },
      { name: 'ours-nodedupe', proc: plain, url: `http://127.0.0.1:${base + 20}/graphql` },
    ],
  };
}

function workloads(seeded, subgraphSecret) {
  const from = '2020-01-01T00:00:00Z';
  const to = '2030-01-01T00:00:00Z';
  return [
    { name: 'page', title: '(a) page: 50 contacts + company, deals, tickets, memberships, journey', bodies: [w.body(w.PAGE, {})] },
    { name: 'dashboard', title: '(b) dashboard: every subgraph', bodies: [w.body(w.DASHBOARD, { from, to })] },
    { name: 'contact', title: '(c) one contact', bodies: [w.body(w.CONTACT, { id: seeded.ids[7] })] },
    {
      name: 'page-cursors',
      title: '(d) page, another cursor every request',
      bodies: seeded.cursors.map((after) => w.body(w.PAGE, { after })),
    },
    {
      name: 'leads-direct',
      title: 'leads subgraph alone, signed (floor of (a))',
      direct: 'leads',
      bodies: [w.body(w.LEADS_PAGE, {})],
      sign: { secret: subgraphSecret, subgraph: 'leads', identity: { tenantId: seeded.tenantId, userId: 'bench', roles: ['admin'] } },
    },
  ];
}

/** SQL statements each subgraph sends for one NESTED request (through the gateway without de-duplication). */
async function sqlPerSubgraph(gateway, subgraphs, token) {
  // The gauges a /metrics scrape reads are not counted (observeQuery): only the request's statements.
  // Sent once first: a tenant's first request in a process provisions it (a transaction of its own).
  await post(gateway.url, { authorization: `Bearer ${token}` }, w.body(w.NESTED, {}));
  const before = await Promise.all(subgraphs.map((s) => counters(s.base)));
  await post(gateway.url, { authorization: `Bearer ${token}` }, w.body(w.NESTED, {}));
  const after = await Promise.all(subgraphs.map((s) => counters(s.base)));
  const out = Object.fromEntries(
    subgraphs.map((s, i) => [
      s.name,
      { requests: after[i].requests - before[i].requests - 1, statements: after[i].statements - before[i].statements },
    ]),
  );
  progress(
    `contacts(first: 100) { deals tickets campaignMemberships journey }: ${Object.entries(out)
      .map(([n, c]) => `${n} ${c.statements} SQL / ${c.requests} call(s)`)
      .join(', ')}`,
  );
  return out;
}

/** One run: autocannon against `target`, CPU of each process and subgraph counters around it. */
async function measure(target, load, procs, token) {
  const before = { cpu: procs.map((p) => cpuSeconds(p.pid)), counters: await Promise.all(procs.subgraphs.map((s) => counters(s.base))) };
  const result = await runLoad({
    url: target.url,
    connections: CONNECTIONS,
    durationSec: DURATION,
    bodies: load.bodies,
    headers: load.sign ? {} : { authorization: `Bearer ${token}` },
    sign: load.sign,
  });
  const cpu = procs.map((p, i) => cpuSeconds(p.pid) - before.cpu[i]);
  const after = await Promise.all(procs.subgraphs.map((s) => counters(s.base)));
  const n = Math.max(1, result.requests);
  const subgraphRequests = after.reduce((sum, c, i) => sum + c.requests - before.counters[i].requests, 0);
  const statements = after.reduce((sum, c, i) => sum + c.statements - before.counters[i].statements, 0);
  return {
    ...result,
    cpuMsPerRequest: Object.fromEntries(procs.map((p, i) => [p.label, (cpu[i] * 1000) / n])),
    subgraphRequestsPerRequest: subgraphRequests / n,
    sqlPerRequest: statements / n,
  };
}

function summarize(runs) {
  const pick = (f) => runs.map(f);
  const rps = pick((r) => r.rps);
  return {
    rps: median(rps),
    p50: median(pick((r) => r.p50)),
    p99: median(pick((r) => r.p99)),
    /** Relative spread of RPS across rounds: the noise band of this machine for this workload. */
    noise: rps.length > 1 ? (Math.max(...rps) - Math.min(...rps)) / median(rps) : 0,
    cpuMsPerRequest: Object.fromEntries(Object.keys(runs[0].cpuMsPerRequest).map((k) => [k, median(pick((r) => r.cpuMsPerRequest[k]))])),
    subgraphRequestsPerRequest: median(pick((r) => r.subgraphRequestsPerRequest)),
    sqlPerRequest: median(pick((r) => r.sqlPerRequest)),
    /** Answers that were not 2xx, and connection errors: not counted in RPS, and a --check fails on any. */
    failed: runs.reduce((s, r) => s + r.non2xx + r.errors, 0),
    rounds: runs.map((r) => ({ rps: r.rps, p50: r.p50, p99: r.p99 })),
  };
}

function ratios(results) {
  const r = (a, b) => (results[a] && results[b] ? results[a].rps / results[b].rps : undefined);
  return {
    'page ours/hive': r('page:ours', 'page:hive'),
    'dashboard ours/hive': r('dashboard:ours', 'dashboard:hive'),
    'contact ours/hive': r('contact:ours', 'contact:hive'),
    'page-cursors ours/hive': r('page-cursors:ours', 'page-cursors:hive'),
    'page ours/leads-direct': r('page:ours', 'leads-direct:leads'),
    'page ours/ours-nodedupe': r('page:ours', 'page:ours-nodedupe'),
  };
}

function markdown(report) {
  const lines = [
    `# Gateway benchmark (${report.finishedAt})`,
    '',
    `Machine: ${report.machine.nproc} CPUs, ${report.machine.model}, Node ${report.machine.node}. ${report.settings.contacts} contacts, ` +
      `${report.settings.connections} connections, ${report.settings.rounds} alternating rounds of ${report.settings.durationSec} s; medians.`,
    '',
    '| workload | target | RPS | p50 ms | p99 ms | gateway CPU ms/req | subgraphs CPU ms/req | subgraph req/req | SQL/req | noise | failed |',
    '|:--|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const [key, s] of Object.entries(report.results)) {
    const [workload, target] = key.split(':');
    const gw = Object.entries(s.cpuMsPerRequest).find(([k]) => k.includes('gateway'))?.[1];
    const sub = Object.entries(s.cpuMsPerRequest)
      .filter(([k]) => !k.includes('gateway'))
      .reduce((a, [, v]) => a + v, 0);
    lines.push(
      `| ${workload} | ${target} | ${fmt(s.rps, 0)} | ${fmt(s.p50, 0)} | ${fmt(s.p99, 0)} | ${gw === undefined ? '-' : fmt(gw, 2)} | ${fmt(sub, 2)} | ${fmt(s.subgraphRequestsPerRequest, 2)} | ${fmt(s.sqlPerRequest, 1)} | ${fmt(s.noise * 100, 0)}% | ${s.failed} |`,
    );
  }
  lines.push(
    '',
    '`contacts(first: 100) { deals tickets campaignMemberships journey }`, one request:',
    '',
    '| subgraph | calls | SQL statements |',
    '|:--|--:|--:|',
  );
  for (const [name, c] of Object.entries(report.nestedSqlPerSubgraph)) lines.push(`| ${name} | ${c.requests} | ${c.statements} |`);
  lines.push('', '| ratio (RPS) | value |', '|:--|--:|');
  for (const [k, v] of Object.entries(report.ratios)) lines.push(`| ${k} | ${fmt(v, 2)} |`);
  return `${lines.join('\n')}\n`;
}

/** --check: every ratio at least its floor less the noise band of the workloads it divides. */
function check(report) {
  if (!existsSync(FLOOR_FILE)) throw new Error(`no floor recorded (${path.relative(ROOT, FLOOR_FILE)}); run without --check first`);
  const floor = JSON.parse(readFileSync(FLOOR_FILE, 'utf8'));
  const failures = Object.entries(report.results)
    .filter(([, s]) => s.failed)
    .map(([key, s]) => `${key} (${s.failed} requests failed)`);
  for (const [k, min] of Object.entries(floor.ratios)) {
    const [workload, pair] = k.split(' ');
    const [a, b] = pair.split('/');
    const noise = Math.max(
      report.results[`${workload}:${a}`]?.noise ?? 0,
      report.results[`${b === 'leads-direct' ? 'leads-direct:leads' : `${workload}:${b}`}`]?.noise ?? 0,
      floor.noise?.[k] ?? 0,
    );
    const value = report.ratios[k];
    const allowed = min * (1 - noise);
    progress(`check ${k}: ${fmt(value, 2)} (floor ${fmt(min, 2)}, noise ${fmt(noise * 100, 0)}%, fails below ${fmt(allowed, 2)})`);
    if (!(value >= allowed)) failures.push(k);
  }
  if (failures.length) throw new Error(`below the recorded floor: ${failures.join(', ')}`);
}

main('gateway bench', async () => {
  await checkPostgres();
  const dbs = benchDatabases('gw');
  const jwtSecret = randomId(24);
  const subgraphSecret = randomId(24);
  progress(`seeding ${CONTACTS} contacts through the use cases (whole graph in this process)`);
  const seeded = await w.seedBenchTenant(dbs, jwtSecret, subgraphSecret, CONTACTS);
  progress('starting five subgraphs, our gateway and Hive Gateway, each its own process');
  const { subgraphs, gateways } = await startProcesses(dbs, jwtSecret, subgraphSecret);
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const loads = workloads(seeded, subgraphSecret).filter((l) => !only.length || only.includes(l.name));
  await w.verifyIdentical(gateways, loads, seeded.token);
  const nested = await sqlPerSubgraph(
    gateways.find((g) => g.name === 'ours-nodedupe'),
    subgraphs,
    seeded.token,
  );
  // Warm-up: every target JIT-compiles its paths once before anything is measured.
  for (const load of loads) {
    for (const target of load.direct ? [{ url: subgraphs.find((s) => s.name === load.direct).url }] : gateways) {
      await runLoad({
        url: target.url,
        connections: CONNECTIONS,
        durationSec: WARMUP,
        bodies: load.bodies,
        headers: load.sign ? {} : { authorization: `Bearer ${seeded.token}` },
        sign: load.sign,
      });
    }
  }
  progress('warmed up');
  const runs = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const load of loads) {
      const targets = load.direct
        ? [{ name: load.direct, url: subgraphs.find((s) => s.name === load.direct).url }]
        : round % 2
          ? [...gateways].reverse()
          : gateways;
      for (const target of targets) {
        const gatewayProcs = gateways.filter((g) => g.name === target.name).map((g) => g.proc);
        const procs = Object.assign([...gatewayProcs, ...subgraphs.map((s) => s.proc)], { subgraphs });
        const m = await measure(target, load, procs, seeded.token);
        (runs[`${load.name}:${target.name}`] ??= []).push(m);
        progress(
          `round ${round + 1} ${load.name} ${target.name}: ${fmt(m.rps, 0)} RPS, p99 ${m.p99} ms, ${fmt(m.subgraphRequestsPerRequest, 2)} subgraph req/req, ${fmt(m.sqlPerRequest, 1)} SQL/req${m.non2xx + m.errors ? `, ${m.non2xx + m.errors} failed` : ''}`,
        );
      }
    }
  }
  const results = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, summarize(v)]));
  const report = {
    finishedAt: new Date().toISOString(),
    machine: machine(),
    settings: { contacts: CONTACTS, durationSec: DURATION, rounds: ROUNDS, connections: CONNECTIONS },
    results,
    ratios: ratios(results),
    nestedSqlPerSubgraph: nested,
    titles: Object.fromEntries(loads.map((l) => [l.name, l.title])),
  };
  mkdirSync(RESULTS, { recursive: true });
  // Only a full run without --check writes the full report (the one the README quotes).
  const name = only.length ? 'gateway-partial' : CHECK ? 'gateway-check' : 'gateway';
  writeFileSync(path.join(RESULTS, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const md = markdown(report);
  writeFileSync(path.join(RESULTS, `${name}.md`), md);
  process.stdout.write(`\n${md}`);
  if (CHECK) return check(report);
  if (!existsSync(FLOOR_FILE) && !only.length) {
    writeFileSync(FLOOR_FILE, `${JSON.stringify({ recordedAt: report.finishedAt, ratios: report.ratios }, null, 2)}\n`);
    progress(`floor recorded in ${path.relative(ROOT, FLOOR_FILE)}`);
  }
});
