#!/usr/bin/env node
// `npm run bench [-- filter ...]`: build every workspace (tsc -b), then run each bench/*.bench.js
// in its own Node process, one after the other, forwarding their output. Benchmarks print
// figures; they are not tests. `node scripts/bench.js events` runs only the files whose name
// contains "events" (several filters: any of them).
const { spawn } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const root = path.join(__dirname, '..');
const benchDir = path.join(root, 'bench');
// Arguments starting with -- (e.g. --check) are passed on to every selected benchmark.
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));

const all = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.js'))
  .sort();
const selected = filters.length ? all.filter((f) => filters.some((x) => f.includes(x))) : all;
if (!selected.length) {
  process.stderr.write(`no benchmark matches ${filters.join(', ')}; available: ${all.join(', ') || '(none)'}\n`);
  process.exit(1);
}

process.stdout.write('bench: building (tsc -b of every workspace, scripts/build.js) ...\n');
try {
  // Compile and copy the SDLs, but leave gateway/supergraph.graphql alone (checked below).
  require('./build').build({ compose: false });
} catch {
  process.stderr.write('bench: build failed; see the errors above\n');
  process.exit(1);
}

// The gateway serves gateway/supergraph.graphql; `npm run build` recomposes it. Do not write
// it here (other work owns it), only say when it lags the services' SDL.
try {
  const { composeSupergraph, SUPERGRAPH_FILE } = require(path.join(root, 'gateway/dist/compose.js'));
  if (composeSupergraph() !== readFileSync(SUPERGRAPH_FILE, 'utf8')) {
    process.stderr.write('bench: warning: gateway/supergraph.graphql is stale (run `npm run build` to recompose it)\n');
  }
} catch (err) {
  process.stderr.write(`bench: warning: could not check the supergraph: ${err.message.split('\n')[0]}\n`);
}

let current;
let signalled;
// A terminal's Ctrl-C reaches the bench process too; a signal sent to this process alone is
// passed on. Either way the bench cleans up (stops its broker, drops its databases) and exits.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    signalled = signal;
    if (current && current.exitCode === null && current.signalCode === null) current.kill(signal);
    else process.exit(130);
  });
}

function run(file) {
  return new Promise((resolve) => {
    current = spawn(process.execPath, [path.join(benchDir, file), ...flags], { cwd: root, stdio: 'inherit', env: process.env });
    current.on('error', (err) => resolve({ code: 1, error: err }));
    current.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), signal }));
  });
}

(async () => {
  const results = [];
  for (const file of selected) {
    if (signalled) break;
    process.stdout.write(`\n=== ${file} ===\n`);
    const t0 = performance.now();
    const { code, signal, error } = await run(file);
    const seconds = (performance.now() - t0) / 1000;
    results.push({ file, code, seconds });
    if (error) process.stderr.write(`bench: could not run ${file}: ${error.message}\n`);
    process.stdout.write(`=== ${file}: ${code === 0 ? 'done' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds.toFixed(1)} s ===\n`);
  }
  if (results.length > 1) {
    process.stdout.write('\nbench summary:\n');
    for (const r of results) process.stdout.write(`  ${r.code === 0 ? 'ok    ' : 'FAILED'} ${r.file} (${r.seconds.toFixed(1)} s)\n`);
  }
  process.exit(signalled ? 130 : results.some((r) => r.code !== 0) ? 1 : 0);
})();
