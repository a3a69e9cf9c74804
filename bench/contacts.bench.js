// Contacts latency at 100k contacts with a filter.
//
// The whole graph runs in THIS process (packages/stack, in-process events). One tenant gets
// BENCH_CONTACTS_ROWS contacts (default 100,000) written straight into leads' database with
// set-based SQL (INSERT ... SELECT FROM generate_series), over ~5,000 companies, 20 owners,
// scores 0..200, every lifecycle stage and creation times over two years, plus 20,000 contacts
// of another tenant as noise; then ANALYZE. About 1% of the names contain "smith".
//
// Each query goes through the gateway over HTTP with a real JWT: BENCH_CONTACTS_WARMUP warm-ups
// (default 3), then BENCH_CONTACTS_RUNS timed runs (default 30), one after the other. For each
// query one more run records the SQL statements leads issues (TypeORM's logger.logQuery), and
// those statements are re-run under EXPLAIN (ANALYZE) on a separate connection: "DB ms" is the
// sum of their execution times, to tell the database's share from the graph's (gateway
// planning, HTTP hops, signing, resolvers, JSON). The plan of the stage filter's count
// statement is printed in full.
const {
  built, progress, main, now, randomId, checkPostgres, benchDatabases, pgClient, graphql, withTimeout, onCleanup,
  summarize, percentile, printTable, fmt, fmtInt, memoryLine, checkInterrupted,
} = require('./lib');

const intEnv = (name, dflt) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
};

const N_CONTACTS = intEnv('BENCH_CONTACTS_ROWS', 100_000);
const N_NOISE = 20_000;
const N_COMPANIES = 5_000;
const N_NOISE_COMPANIES = 1_000;
const N_OWNERS = 20;
const RUNS = intEnv('BENCH_CONTACTS_RUNS', 30);
const WARMUP = intEnv('BENCH_CONTACTS_WARMUP', 3);
/** No query may take the whole bench hostage: a slow one stops after this many ms of runs. */
const QUERY_BUDGET_MS = 25_000;

const { startStack } = built('packages/stack/dist/stack.js');
const { createLogger } = built('packages/service-kit/dist/index.js');
const { issueUserToken } = built('gateway/dist/auth.js');

const NODE = 'id email firstName lastName lifecycleStage score ownerId createdAt';
const LIST = `query Contacts($filter: ContactFilter, $after: String) {
  contacts(first: 50, filter: $filter, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE} } }
  }
}`;
const LIST_WITH_COMPANY = `query ContactsCompany($filter: ContactFilter) {
  contacts(first: 50, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE} company { name } } }
  }
}`;

// ---------------------------------------------------------------------------------------------
// Seeding: set-based SQL, one statement per table and tenant.

const FIRST = ['Ada', 'Grace', 'Alan', 'Zoe', 'Linus', 'Margaret', 'Soren', 'Hedy', 'Tim', 'Barbara', 'Edsger', 'Frances', 'Ken', 'Radia', 'Donald', 'Katherine'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Martin', 'Torvalds', 'Hamilton', 'Kierkegaard', 'Lamarr', 'Berners-Lee', 'Liskov', 'Dijkstra', 'Allen', 'Thompson', 'Perlman', 'Knuth', 'Johnson', 'Ritchie', 'Wirth', 'Backus', 'Floyd'];
const SMITHS = ['Smith', 'Goldsmith', 'Smithson'];
const TITLES = ['CEO', 'CTO', 'VP Sales', 'Head of Marketing', 'Sales Director', 'Account Manager', 'Engineer', 'Analyst', 'Intern'];
const INDUSTRIES = ['Software', 'SaaS', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Education'];
const SOURCES = ['form', 'web_form', 'landing_page', 'campaign', 'import', 'api'];
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT'];
/** Cumulative shares of the lifecycle stages (sum 1). */
const STAGE_SHARES = [
  ['VISITOR', 0.10], ['LEAD', 0.35], ['MQL', 0.20], ['SQL', 0.08], ['OPPORTUNITY', 0.07],
  ['CUSTOMER', 0.12], ['PROMOTER', 0.03], ['CHURNED', 0.03], ['DISQUALIFIED', 0.02],
];

function stageCase(column) {
  let acc = 0;
  const arms = STAGE_SHARES.slice(0, -1).map(([stage, share]) => {
    acc += share;
    return `WHEN ${column} < ${acc.toFixed(4)} THEN '${stage}'`;
  });
  return `CASE ${arms.join(' ')} ELSE '${STAGE_SHARES.at(-1)[0]}' END`;
}

/**
 * `n` contacts of `tenantId` over its `companies` companies. Contact i: ~10% without company,
 * ~10% without owner, owners owner-0..owner-19, i % 100 == 7 has a *smith* last name, created
 * uniformly over the last 730 days. Company and name choices use multiplicative hashes of i so
 * that no two attributes move in lockstep.
 */
async function seedTenant(pg, tenantId, n, companies) {
  await pg.query(
    `INSERT INTO companies (tenant_id, name, domain, industry, size, created_at)
     SELECT $1, 'Company ' || k, 'co' || k || '.example', ($2::text[])[1 + k % cardinality($2::text[])], (k * 37) % 3000,
            now() - interval '3 years'
       FROM generate_series(0, $3 - 1) AS k`,
    [tenantId, INDUSTRIES, companies],
  );
  await pg.query(
    `WITH co AS (SELECT array_agg(id ORDER BY created_at, domain) AS ids FROM companies WHERE tenant_id = $1),
          src AS (SELECT i, random() AS r_stage, random() AS r_score, random() AS r_created,
                         ((i::bigint * 7919) % $3)::int AS k
                    FROM generate_series(0, $2 - 1) AS i)
     INSERT INTO contacts (tenant_id, email, first_name, last_name, job_title, company_id, source, lifecycle_stage,
                           score, fit_score, engagement_score, owner_id, country, created_at, updated_at, version)
     SELECT $1,
            'contact' || i || '@co' || k || '.example',
            ($4::text[])[1 + (i * 31) % cardinality($4::text[])],
            CASE WHEN i % 100 = 7 THEN ($5::text[])[1 + (i / 100) % cardinality($5::text[])]
                 ELSE ($6::text[])[1 + (i / 3) % cardinality($6::text[])] END,
            ($7::text[])[1 + (i * 13) % cardinality($7::text[])],
            CASE WHEN i % 10 = 9 THEN NULL ELSE co.ids[1 + k] END,
            ($8::text[])[1 + i % cardinality($8::text[])],
            ${stageCase('r_stage')},
            s.score, s.score * 3 / 5, s.score - s.score * 3 / 5,
            CASE WHEN i % 10 = 4 THEN NULL ELSE 'owner-' || ((i * 17 + i / 10) % ${N_OWNERS}) END,
            ($9::text[])[1 + (i * 7) % cardinality($9::text[])],
            now() - r_created * interval '730 days',
            now() - r_created * interval '730 days',
            1
       FROM src CROSS JOIN co CROSS JOIN LATERAL (SELECT floor(r_score * 201)::int AS score) s`,
    [tenantId, n, companies, FIRST, SMITHS, LAST, TITLES, SOURCES, COUNTRIES],
  );
}

// ---------------------------------------------------------------------------------------------
// SQL capture (TypeORM calls logger.logQuery for every statement) and EXPLAIN (ANALYZE).

/** Run `fn` with leads' statements recorded; returns { result, statements: [{ query, parameters }] }. */
async function captureSql(dataSource, fn) {
  const logger = dataSource.logger;
  const original = logger.logQuery;
  const statements = [];
  logger.logQuery = function logQuery(query, parameters, queryRunner) {
    statements.push({ query, parameters: parameters ? [...parameters] : [] });
    return original.call(this, query, parameters, queryRunner);
  };
  try {
    return { result: await fn(), statements };
  } finally {
    logger.logQuery = original;
  }
}

const isSelect = (sql) => /^\s*(WITH|SELECT)\b/i.test(sql);

async function explain(pg, sql, parameters, { text = false } = {}) {
  const { rows } = await pg.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, parameters);
  const [plan] = rows[0]['QUERY PLAN'];
  let lines;
  if (text) {
    const r = await pg.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
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

/** One line, the select list collapsed (`SELECT <12 columns> FROM ...`) so the FROM/WHERE part shows. */
const oneLine = (sql, max = 150) => {
  const s = sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^SELECT (.+?) FROM /, (m, cols) => (cols.length > 60 ? `SELECT <${cols.split(', "').length} columns> FROM ` : m));
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
};

// ---------------------------------------------------------------------------------------------

async function timeQuery(url, token, query, variables) {
  let last;
  for (let i = 0; i < WARMUP; i++) last = await graphql(url, token, query, variables);
  const times = [];
  const start = now();
  for (let i = 0; i < RUNS; i++) {
    checkInterrupted();
    if (now() - start > QUERY_BUDGET_MS) break;
    const t0 = now();
    last = await graphql(url, token, query, variables);
    times.push(now() - t0);
  }
  return { times, data: last };
}

main('contacts.bench', async () => {
  await checkPostgres();
  const dbs = benchDatabases('contacts');
  const jwtSecret = randomId(24);
  progress('starting the stack (five subgraphs + gateway, in-process events)');
  const t0 = now();
  const stack = await startStack({
    databaseUrlFor: (name) => dbs.urlFor(name),
    jwtSecret,
    subgraphSecret: randomId(24),
    gatewayPort: 0,
    host: '127.0.0.1',
    logger: createLogger('bench', 'warn'),
  });
  const stopStack = onCleanup('stop the stack', () => stack.stop(), 60_000);
  progress(`stack up in ${((now() - t0) / 1000).toFixed(1)} s at ${stack.gatewayUrl}`);

  const tenantId = `bench_${randomId()}`;
  const noiseTenant = `bench_noise_${randomId()}`;
  const token = await issueUserToken({ sub: 'bench', tid: tenantId, roles: ['admin'] }, jwtSecret);
  const url = stack.gatewayUrl;
  const leads = stack.services.leads;

  // Provision the tenant (lead_settings, crm_tenants) with one request before seeding.
  const empty = await graphql(url, token, '{ contacts(first: 1) { totalCount } leadSettings { mqlThreshold } }');
  if (empty.contacts.totalCount !== 0) throw new Error('a fresh tenant should have no contacts');

  const leadsPg = await pgClient(dbs.urlFor('leads'), 'leads pg client');
  const pg = leadsPg.client;
  progress(`seeding ${fmtInt(N_CONTACTS)} contacts (+ ${fmtInt(N_NOISE)} of another tenant) with INSERT ... SELECT generate_series`);
  const t1 = now();
  await pg.query('SELECT setseed(0.42)');
  await seedTenant(pg, tenantId, N_CONTACTS, N_COMPANIES);
  await seedTenant(pg, noiseTenant, N_NOISE, N_NOISE_COMPANIES);
  const seedS = (now() - t1) / 1000;
  const t2 = now();
  await pg.query('ANALYZE companies; ANALYZE contacts');
  const analyzeS = (now() - t2) / 1000;
  progress(`seeded in ${seedS.toFixed(1)} s, ANALYZE ${analyzeS.toFixed(1)} s`);

  const [facts] = (
    await pg.query(
      `SELECT count(*)::int AS contacts,
              count(*) FILTER (WHERE lifecycle_stage = 'MQL')::int AS mql,
              count(*) FILTER (WHERE owner_id = 'owner-3' AND score >= 100)::int AS owner3,
              count(*) FILTER (WHERE last_name ILIKE '%smith%')::int AS smith,
              count(DISTINCT company_id)::int AS companies,
              pg_size_pretty(pg_total_relation_size('contacts')) AS size
         FROM contacts WHERE tenant_id = $1`,
      [tenantId],
    )
  ).rows;
  // A typical company: the one with the median number of contacts.
  const [company] = (
    await pg.query(
      `SELECT company_id AS id, n FROM (
         SELECT company_id, count(*)::int AS n FROM contacts WHERE tenant_id = $1 AND company_id IS NOT NULL GROUP BY 1) x
        ORDER BY n, company_id OFFSET $2 LIMIT 1`,
      [tenantId, Math.floor(facts.companies / 2)],
    )
  ).rows;
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  progress(
    `tenant: ${fmtInt(facts.contacts)} contacts (${fmtInt(facts.mql)} MQL, ${fmtInt(facts.owner3)} owner-3 with score >= 100, ` +
      `${fmtInt(facts.smith)} *smith*), ${fmtInt(facts.companies)} companies with contacts; contacts table + indexes ${facts.size}`,
  );

  const first = await graphql(url, token, LIST, {});
  const cursor = first.contacts.pageInfo.endCursor;
  const cases = [
    { name: 'contacts(first: 50)', query: LIST, variables: {} },
    { name: 'filter: { stage: MQL }', query: LIST, variables: { filter: { stage: 'MQL' } }, explain: true, expected: facts.mql },
    { name: 'filter: { ownerId: "owner-3", minScore: 100 }', query: LIST, variables: { filter: { ownerId: 'owner-3', minScore: 100 } }, expected: facts.owner3 },
    { name: 'filter: { search: "smith" }', query: LIST, variables: { filter: { search: 'smith' } }, expected: facts.smith },
    { name: `filter: { companyId } (${company.n} contacts)`, query: LIST, variables: { filter: { companyId: company.id } }, expected: company.n },
    { name: 'filter: { createdAfter: 30 days ago }', query: LIST, variables: { filter: { createdAfter: monthAgo } } },
    { name: 'second page (after: endCursor)', query: LIST, variables: { after: cursor } },
    { name: 'contacts(first: 50) + company { name }', query: LIST_WITH_COMPANY, variables: {} },
  ];

  progress(`timing ${cases.length} queries: ${WARMUP} warm-ups + ${RUNS} runs each, sequential`);
  const rows = [];
  let stagePlan;
  for (const c of cases) {
    checkInterrupted();
    const { times, data } = await timeQuery(url, token, c.query, c.variables);
    const conn = data.contacts;
    if (c.expected !== undefined && conn.totalCount !== c.expected) {
      throw new Error(`${c.name}: totalCount ${conn.totalCount}, expected ${c.expected}`);
    }
    if (c.variables.after && conn.edges[0]?.cursor === first.contacts.edges[0]?.cursor) throw new Error('the second page repeats the first');
    const { statements } = await captureSql(leads.db, () => graphql(url, token, c.query, c.variables));
    let dbMs = 0;
    let sqlMs = 0;
    for (const s of statements.filter((x) => isSelect(x.query))) {
      const e = await explain(pg, s.query, s.parameters, { text: c.explain && /COUNT\(/i.test(s.query) });
      dbMs += e.executionMs;
      sqlMs += await rerunMs(pg, s.query, s.parameters);
      if (e.lines) stagePlan = { sql: s.query, parameters: s.parameters, ...e };
    }
    const s = summarize(times);
    const sorted = [...times].sort((a, b) => a - b);
    rows.push({
      name: c.name,
      total: fmtInt(conn.totalCount),
      page: String(conn.edges.length),
      n: String(s.n),
      p50: fmt(s.p50),
      p95: fmt(percentile(sorted, 95)),
      max: fmt(s.max),
      sql: String(statements.length),
      db: fmt(dbMs, 1),
      rerun: fmt(sqlMs, 1),
    });
    progress(`  ${c.name}: p50 ${fmt(s.p50)} ms, totalCount ${fmtInt(conn.totalCount)}, ${statements.length} SQL statements`);
  }

  process.stdout.write('\n');
  printTable(
    [
      { key: 'name', title: `contacts at ${fmtInt(N_CONTACTS)} (+${fmtInt(N_NOISE)} noise), via gateway`, align: 'left' },
      { key: 'total', title: 'totalCount' },
      { key: 'page', title: 'edges' },
      { key: 'n', title: 'runs' },
      { key: 'p50', title: 'p50 ms' },
      { key: 'p95', title: 'p95 ms' },
      { key: 'max', title: 'max ms' },
      { key: 'sql', title: 'leads SQL' },
      { key: 'rerun', title: 'SQL ms (re-run)' },
      { key: 'db', title: 'DB ms (EXPLAIN ANALYZE)' },
    ],
    rows,
  );
  process.stdout.write(
    '(leads SQL: statements leads ran for one request of the query; SQL ms: the sum over those statements of the\n' +
      ' median wall time of 5 re-runs on a separate connection; DB ms: the sum of their "Execution Time" under\n' +
      ' EXPLAIN ANALYZE (per-row timing inflates plans with many sub-plan calls, e.g. search); the latency minus\n' +
      ' SQL ms is the graph: gateway planning, HTTP hops, identity signing, resolvers, JSON)\n',
  );
  if (stagePlan) {
    process.stdout.write(`\nEXPLAIN (ANALYZE, BUFFERS) of the stage filter's count statement:\n  ${oneLine(stagePlan.sql, 400)}\n  parameters ${JSON.stringify(stagePlan.parameters)}\n`);
    for (const line of stagePlan.lines) process.stdout.write(`    ${line}\n`);
  }
  process.stdout.write(`\nseed: ${fmtInt(N_CONTACTS + N_NOISE)} contacts in ${seedS.toFixed(1)} s, ANALYZE ${analyzeS.toFixed(1)} s\n`);
  process.stdout.write(`${memoryLine()}\n`);

  await leadsPg.close();
  await withTimeout('stopping the stack', stopStack(), 60_000);
  await dbs.drop();
  progress('stack stopped, databases dropped');
});
