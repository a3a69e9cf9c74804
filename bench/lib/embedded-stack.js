// The embedded mode's graph for bench/embedded.bench.js, as its own process: every subgraph and
// the gateway in this one Node process (stack/dist/stack.js, in-process events), on the bench's
// databases. SUBGRAPH_CALLS=in-process|http: how the gateway calls its subgraphs.
// Env: PORT, AUTH_JWT_SECRET, SUBGRAPH_SECRET, BENCH_DATABASE_URLS ({ subgraph: url }), SUBGRAPH_CALLS.
const { built } = require('./infra');

const { startStack } = built('stack/dist/stack.js');
const { createLogger } = built('packages/service-kit/dist/index.js');

async function run() {
  const urls = JSON.parse(process.env.BENCH_DATABASE_URLS);
  const stack = await startStack({
    databaseUrlFor: (name) => urls[name],
    jwtSecret: process.env.AUTH_JWT_SECRET,
    subgraphSecret: process.env.SUBGRAPH_SECRET,
    gatewayPort: Number(process.env.PORT),
    host: '127.0.0.1',
    logger: createLogger('bench-embedded', 'warn'),
    production: true,
    subgraphCalls: process.env.SUBGRAPH_CALLS,
    // One bench user sends thousands of requests a minute: the limiter still runs, never refuses.
    rateLimits: { userPerMinute: 1_000_000 },
  });
  const stop = () => stack.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

run().catch((err) => {
  process.stderr.write(`embedded stack failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
