// `node bench/lib/profile-summary.js FILE.cpuprofile [N]`: self time by package and the top N
// functions of a V8 CPU profile (node --cpu-prof; see BENCH_CPU_PROF in bench/gateway.bench.js).
const { readFileSync } = require('node:fs');

const [file, top = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const where = (url) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (/\/(services|packages|gateway)\/[^/]+/.test(url)) return /\/((?:services|packages|gateway)\/[^/]+)/.exec(url)[1];
  return url ? 'node:internal' : '(vm)';
};
const add = (map, k, v) => map.set(k, (map.get(k) ?? 0) + v);
const packages = new Map();
const functions = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  add(
    packages,
    f.functionName === '(garbage collector)'
      ? '(gc)'
      : f.functionName === '(idle)' || f.functionName === '(program)'
        ? f.functionName
        : where(f.url),
    us,
  );
  add(functions, `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`, us);
}
const show = (title, map, n) => {
  process.stdout.write(`${title}\n`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(6)}%  ${k}\n`);
};
show('self time by package', packages, 15);
show(`top ${top} functions (self)`, functions, Number(top));
