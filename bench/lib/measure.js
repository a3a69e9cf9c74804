// Measurements of the benchmarks (via bench/lib.js): percentiles, timing loops, and the SQL
// statements of a request (captured through db.logger.logQuery, priced by EXPLAIN and re-runs).
const { now, checkInterrupted } = require('./infra');
const { fmt } = require('./report');

// ---------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of an ascending array (p in 0..100). */
function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** { n, min, mean, p50, p90, p95, p99, max } of a list of numbers. */
function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

// ---------------------------------------------------------------------------------------------
// Timing loops

/**
 * Time `request` (an async call): `warmup` untimed calls, then up to `runs` timed ones, one
 * after the other; none starts once `budgetMs` have passed since the first. Returns
 * { times (ms), summary (summarize(times)), last (the last call's result) }.
 */
async function timeRuns(request, { warmup = 0, runs, budgetMs = Infinity }) {
  let last;
  for (let i = 0; i < warmup; i++) last = await request();
  const times = [];
  const start = now();
  for (let i = 0; i < runs; i++) {
    checkInterrupted();
    if (now() - start > budgetMs) break;
    const t0 = now();
    last = await request();
    times.push(now() - t0);
  }
  return { times, summary: summarize(times), last };
}

// ---------------------------------------------------------------------------------------------
// SQL statements of a request: TypeORM calls logger.logQuery for every statement, whatever the
// logging option, so wrapping it counts them; EXPLAIN (ANALYZE) and re-runs price them.

/**
 * Wrap the logger.logQuery of every service of `services` (name -> { db: DataSource }) while
 * `fn` runs. Returns { result, statements: { [name]: [{ query, parameters }] } }.
 */
async function captureSql(services, fn) {
  const restore = [];
  const statements = Object.fromEntries(Object.keys(services).map((name) => [name, []]));
  for (const [name, service] of Object.entries(services)) {
    const logger = service.db.logger;
    const original = logger.logQuery;
    logger.logQuery = function logQuery(query, parameters, queryRunner) {
      statements[name].push({ query, parameters: parameters ? [...parameters] : [] });
      return original.call(this, query, parameters, queryRunner);
    };
    restore.push(() => {
      logger.logQuery = original;
    });
  }
  try {
    return { result: await fn(), statements };
  } finally {
    for (const r of restore) r();
  }
}

const isSelect = (sql) => /^\s*(WITH|SELECT)\b/i.test(sql);

/**
 * EXPLAIN (ANALYZE[, BUFFERS], FORMAT JSON) of a statement: { executionMs, planningMs }, and
 * with `text` its text plan too (`lines`, from one more EXPLAIN (ANALYZE[, BUFFERS]) run).
 */
async function explain(pg, sql, parameters, { buffers = false, text = false } = {}) {
  const options = buffers ? 'ANALYZE, BUFFERS' : 'ANALYZE';
  const { rows } = await pg.query(`EXPLAIN (${options}, FORMAT JSON) ${sql}`, parameters);
  const [plan] = rows[0]['QUERY PLAN'];
  let lines;
  if (text) {
    const r = await pg.query(`EXPLAIN (${options}) ${sql}`, parameters);
    lines = r.rows.map((x) => x['QUERY PLAN']);
  }
  return { executionMs: plan['Execution Time'], planningMs: plan['Planning Time'], lines };
}

/** Median wall time (ms) of `sql` re-run `times` times on `pg` (the statement alone, over loopback). */
async function rerunMs(pg, sql, parameters, times = 5) {
  const t = [];
  for (let i = 0; i < times; i++) {
    const t0 = now();
    await pg.query(sql, parameters);
    t.push(now() - t0);
  }
  return summarize(t).p50;
}

/**
 * The database's share of `statements`: each SELECT under EXPLAIN (ANALYZE) (dbMs: the sum of
 * their execution times) and re-run 5 times on `pg` (sqlMs: the sum of their medians). With
 * `planOf(statement)` true, its text plan is kept too: `plan` is the last such one
 * ({ sql, parameters, executionMs, planningMs, lines }).
 */
async function statementCost(pg, statements, { buffers = false, planOf = () => false } = {}) {
  let dbMs = 0;
  let sqlMs = 0;
  let plan;
  for (const s of statements.filter((x) => isSelect(x.query))) {
    const e = await explain(pg, s.query, s.parameters, { buffers, text: planOf(s) });
    dbMs += e.executionMs;
    sqlMs += await rerunMs(pg, s.query, s.parameters);
    if (e.lines) plan = { sql: s.query, parameters: s.parameters, ...e };
  }
  return { dbMs, sqlMs, plan };
}

/**
 * A query's latency and its SQL: timeRuns(request, timing), then one more request with the
 * statements of `services` captured, priced by statementCost on `pg` (`cost`: its options).
 * Returns { times, summary, last, statements (all services', in order), dbMs, sqlMs, plan }.
 */
async function measureQuery(request, { services, pg, cost, ...timing }) {
  const timed = await timeRuns(request, timing);
  const captured = await captureSql(services, request);
  const statements = Object.values(captured.statements).flat();
  return { ...timed, statements, ...(await statementCost(pg, statements, cost)) };
}

/** The columns measureCells fills, for a table whose first columns say what was measured. */
function measureColumns(service) {
  return [
    { key: 'runs', title: 'runs' },
    { key: 'p50', title: 'p50 ms' },
    { key: 'p95', title: 'p95 ms' },
    { key: 'max', title: 'max ms' },
    { key: 'sql', title: `${service} SQL` },
    { key: 'sqlMs', title: 'SQL ms (re-run)' },
    { key: 'dbMs', title: 'DB ms (EXPLAIN ANALYZE)' },
  ];
}

/** The cells of measureColumns for a measureQuery result. */
function measureCells(m) {
  return {
    runs: String(m.summary.n),
    p50: fmt(m.summary.p50),
    p95: fmt(m.summary.p95),
    max: fmt(m.summary.max),
    sql: String(m.statements.length),
    sqlMs: fmt(m.sqlMs),
    dbMs: fmt(m.dbMs),
  };
}

/** One line, the select list collapsed (`SELECT <12 columns> FROM ...`) so the FROM/WHERE part shows. */
const oneLine = (sql, max = 160) => {
  const s = sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^SELECT (.+?) FROM /, (m, cols) => (cols.length > 60 ? `SELECT <${cols.split(', "').length} columns> FROM ` : m));
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
};

module.exports = {
  percentile,
  summarize,
  timeRuns,
  captureSql,
  isSelect,
  explain,
  rerunMs,
  statementCost,
  measureQuery,
  measureColumns,
  measureCells,
  oneLine,
};
