// Shared infrastructure of the benchmarks (bench/*.bench.js). Plain CommonJS over the BUILT
// workspaces (dist/): `npm run bench` compiles them first (scripts/bench.js).
//
// A benchmark prints figures; it is never a timed test and asserts nothing but "it ran".
// Everything a bench starts (databases, a Kafka broker, a stack) is registered with `cleanup`
// and torn down at the end, on error and on SIGINT/SIGTERM/SIGHUP, in reverse order.
//
// The helpers live by concern under bench/lib/; this file re-exports them all, under the same names:
// - infra.js: built files, progress, cleanup and signals, Postgres (bench databases), Kafka;
// - stack.js: GraphQL clients, pool, startBenchStack (tenants, pg clients), stopAndDrop;
// - measure.js: percentiles, timing loops, SQL capture via db.logger.logQuery, EXPLAIN pricing;
// - report.js: memory figures, tables (printTable, printMetrics), number formatting.
module.exports = {
  ...require('./lib/infra'),
  ...require('./lib/report'),
  ...require('./lib/measure'),
  ...require('./lib/stack'),
};
