// One autocannon run in its own process (bench/gateway.bench.js forks it so the load generator
// does not share an event loop with what it measures). Reads a JSON job on stdin:
// { url, connections, durationSec, headers, bodies: [string], sign?: { secret, subgraph, identity } }
// and prints one JSON line: { requests, rps, p50, p99, non2xx, errors }; requests and rps count
// only 2xx answers (a refused request is not throughput).
// Bodies are sent in turn (a different cursor per request); `sign` signs each request afresh.
const path = require('node:path');
const autocannon = require('autocannon');

const job = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const sign = job.sign ? require(path.resolve(__dirname, '../../packages/service-kit/dist/index.js')).signIdentity : undefined;
let next = 0;

const instance = autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.durationSec,
  requests: [
    {
      method: 'POST',
      setupRequest(req) {
        const body = job.bodies[next++ % job.bodies.length];
        const headers = { 'content-type': 'application/json', ...job.headers };
        if (sign) Object.assign(headers, sign(job.sign.identity, job.sign.secret, { method: 'POST', subgraph: job.sign.subgraph, body }));
        return { ...req, body, headers };
      },
    },
  ],
});
instance.on('done', (r) => {
  process.stdout.write(
    `${JSON.stringify({
      requests: r['2xx'],
      rps: r['2xx'] / job.durationSec,
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
    })}\n`,
  );
});
