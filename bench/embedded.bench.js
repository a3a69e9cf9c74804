// `npm run bench -- embedded`: the embedded mode (`npm start`: every subgraph and the gateway in
// one Node process) with the gateway calling its subgraphs in process, against the same graph
// calling them over loopback HTTP (SUBGRAPH_CALLS=http), on the same seeded tenant.
//
// 1. seeds the tenant of the gateway bench (bench/lib/gateway-workloads.js), then starts the
//    two graphs, each its own process (bench/lib/embedded-stack.js);
// 2. checks that both answer every workload with identical `data`;
// 3. drives each with autocannon in its own process, in alternating rounds, reading the CPU
//    time of the graph's process around each run;
// 4. writes bench/results/embedded.{json,md}: RPS, p50, p99, CPU per request, and the ratios.
//
// BENCH_CONTACTS (300), BENCH_DURATION (5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (10), BENCH_WARMUP (2).
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const lib = require('./lib');
const { startNode, waitHttp, cpuSeconds, runLoad } = require('./lib/processes');
const w = require('./lib/gateway-workloads');

const { median } = w;

const { ROOT, main, progress, intEnv, randomId, benchDatabases, checkPostgres, fmt } = lib;
const CONTACTS = intEnv('BENCH_CONTACTS', 300);
const DURATION = intEnv('BENCH_DURATION', 5);
const ROUNDS = intEnv('BENCH_ROUNDS', 3);
const WARMUP = intEnv('BENCH_WARMUP', 2);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 10);
const RESULTS = path.join(ROOT, 'bench/results');
const TARGETS = ['in-process', 'http'];

async function startGraphs(dbs, jwtSecret, subgraphSecret) {
  const { SUBGRAPHS } = lib.built('gateway/dist/compose.js');
  const urls = JSON.stringify(Object.fromEntries(SUBGRAPHS.map((s) => [s.name, dbs.urlFor(s.name)])));
  const base = 20_000 + Math.floor(Math.random() * 20_000);
  const graphs = TARGETS.map((calls, i) => {
    // Each graph's subgraphs listen on the 6 ports after its gateway's.
    const port = base + 10 * i;
    const proc = startNode(`embedded graph (${calls})`, 'bench/lib/embedded-stack.js', {
      PORT: String(port),
      AUTH_JWT_SECRET: jwtSecret,
      SUBGRAPH_SECRET: subgraphSecret,
      BENCH_DATABASE_URLS: urls,
      SUBGRAPH_CALLS: calls,
    });
    return { name: calls, proc, url: `http://127.0.0.1:${port}/graphql`, health: `http://127.0.0.1:${port}/health` };
  });
  for (const g of graphs) await waitHttp(g.proc, g.health);
  return graphs;
}

function workloads(seeded) {
  return [
    {
      name: 'page-cursors',
      title: 'the page, another cursor every request',
      bodies: seeded.cursors.map((after) => w.body(w.PAGE, { after })),
    },
    { name: 'page', title: 'the page: 50 contacts + company, deals, tickets, memberships, journey', bodies: [w.body(w.PAGE, {})] },
    { name: 'contact', title: 'one contact', bodies: [w.body(w.CONTACT, { id: seeded.ids[7] })] },
  ];
}

async function measure(graph, load, token, durationSec = DURATION) {
  const cpuBefore = cpuSeconds(graph.proc.pid);
  const r = await runLoad({
    url: graph.url,
    connections: CONNECTIONS,
    durationSec,
    bodies: load.bodies,
    headers: { authorization: `Bearer ${token}` },
  });
  return { ...r, cpuMsPerRequest: ((cpuSeconds(graph.proc.pid) - cpuBefore) * 1000) / Math.max(1, r.requests) };
}

function summarize(runs) {
  const rps = runs.map((r) => r.rps);
  return {
    rps: median(rps),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
    noise: rps.length > 1 ? (Math.max(...rps) - Math.min(...rps)) / median(rps) : 0,
    failed: runs.reduce((s, r) => s + r.non2xx + r.errors, 0),
  };
}

function markdown(report) {
  const lines = [
    `# Embedded mode: subgraph calls in process against over HTTP (${report.finishedAt})`,
    '',
    `Machine: ${report.machine.nproc} CPUs, ${report.machine.model}, Node ${report.machine.node}. ${report.settings.contacts} contacts, ${report.settings.connections} connections, ` +
      `${report.settings.rounds} alternating rounds of ${report.settings.durationSec} s; medians. CPU: the graph's one process, per request.`,
    '',
    '| workload | subgraph calls | RPS | p50 ms | p99 ms | CPU ms/req | noise | failed |',
    '|:--|:--|--:|--:|--:|--:|--:|--:|',
  ];
  for (const [key, s] of Object.entries(report.results)) {
    const [workload, target] = key.split(':');
    lines.push(
      `| ${workload} | ${target} | ${fmt(s.rps, 0)} | ${fmt(s.p50, 0)} | ${fmt(s.p99, 0)} | ${fmt(s.cpuMsPerRequest, 2)} | ${fmt(s.noise * 100, 0)}% | ${s.failed} |`,
    );
  }
  lines.push('', '| in-process / http | RPS | CPU per request |', '|:--|--:|--:|');
  for (const [k, v] of Object.entries(report.ratios)) lines.push(`| ${k} | ${fmt(v.rps, 2)} | ${fmt(v.cpu, 2)} |`);
  return `${lines.join('\n')}\n`;
}

main('embedded bench', async () => {
  await checkPostgres();
  const dbs = benchDatabases('emb');
  const jwtSecret = randomId(24);
  const subgraphSecret = randomId(24);
  progress(`seeding ${CONTACTS} contacts through the use cases`);
  const seeded = await w.seedBenchTenant(dbs, jwtSecret, subgraphSecret, CONTACTS);
  progress('starting the embedded graph twice: subgraph calls in process, and over HTTP');
  const graphs = await startGraphs(dbs, jwtSecret, subgraphSecret);
  const loads = workloads(seeded);
  await w.verifyIdentical(graphs, loads, seeded.token);
  for (const load of loads) for (const g of graphs) await measure(g, load, seeded.token, WARMUP);
  progress('warmed up');
  const runs = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const load of loads) {
      for (const g of round % 2 ? [...graphs].reverse() : graphs) {
        const m = await measure(g, load, seeded.token);
        (runs[`${load.name}:${g.name}`] ??= []).push(m);
        progress(
          `round ${round + 1} ${load.name} ${g.name}: ${fmt(m.rps, 0)} RPS, p99 ${m.p99} ms, ${fmt(m.cpuMsPerRequest, 2)} ms CPU/req`,
        );
      }
    }
  }
  const results = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, summarize(v)]));
  const ratios = Object.fromEntries(
    loads.map((l) => {
      const [a, b] = TARGETS.map((t) => results[`${l.name}:${t}`]);
      return [l.name, { rps: a.rps / b.rps, cpu: a.cpuMsPerRequest / b.cpuMsPerRequest }];
    }),
  );
  const report = {
    finishedAt: new Date().toISOString(),
    machine: w.machine(),
    settings: { contacts: CONTACTS, durationSec: DURATION, rounds: ROUNDS, connections: CONNECTIONS },
    results,
    ratios,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, 'embedded.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = markdown(report);
  writeFileSync(path.join(RESULTS, 'embedded.md'), md);
  process.stdout.write(`\n${md}`);
  const failed = Object.entries(results).filter(([, s]) => s.failed);
  if (failed.length) throw new Error(`requests failed: ${failed.map(([k, s]) => `${k} (${s.failed})`).join(', ')}`);
});
