// Contacts latency at 100k contacts with a filter.
//
// The whole graph runs in THIS process (stack/, in-process events). One tenant gets
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
  progress,
  main,
  now,
  randomId,
  intEnv,
  checkPostgres,
  startBenchStack,
  measureQuery,
  measureColumns,
  measureCells,
  oneLine,
  printTable,
  fmt,
  fmtInt,
  memoryLine,
  checkInterrupted,
} = require('./lib');

const N_CONTACTS = intEnv('BENCH_CONTACTS_ROWS', 100_000);
const N_NOISE = 20_000;
const N_COMPANIES = 5_000;
const N_NOISE_COMPANIES = 1_000;
const N_OWNERS = 20;
const RUNS = intEnv('BENCH_CONTACTS_RUNS', 30);
const WARMUP = intEnv('BENCH_CONTACTS_WARMUP', 3);
/** No query may take the whole bench hostage: a slow one stops after this many ms of runs. */
const QUERY_BUDGET_MS = 25_000;

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

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Zoe',
  'Linus',
  'Margaret',
  'Soren',
  'Hedy',
  'Tim',
  'Barbara',
  'Edsger',
  'Frances',
  'Ken',
  'Radia',
  'Donald',
  'Katherine',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Martin',
  'Torvalds',
  'Hamilton',
  'Kierkegaard',
  'Lamarr',
  'Berners-Lee',
  'Liskov',
  'Dijkstra',
  'Allen',
  'Thompson',
  'Perlman',
  'Knuth',
  'Johnson',
  'Ritchie',
  'Wirth',
  'Backus',
  'Floyd',
];
const SMITHS = ['Smith', 'Goldsmith', 'Smithson'];
const TITLES = ['CEO', 'CTO', 'VP Sales', 'Head of Marketing', 'Sales Director', 'Account Manager', 'Engineer', 'Analyst', 'Intern'];
const INDUSTRIES = ['Software', 'SaaS', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Education'];
const SOURCES = ['form', 'web_form', 'landing_page', 'campaign', 'import', 'api'];
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT'];
/** Cumulative shares of the lifecycle stages (sum 1). */
const STAGE_SHARES = [
  ['VISITOR', 0.1],
  ['LEAD', 0.35],
  ['MQL', 0.2],
  ['SQL', 0.08],
  ['OPPORTUNITY', 0.07],
  ['CUSTOMER', 0.12],
  ['PROMOTER', 0.03],
  ['CHURNED', 0.03],
  ['DISQUALIFIED', 0.02],
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

main('contacts.bench', async () => {
  await checkPostgres();
  const bench = await startBenchStack('contacts');
  const { tenantId, gql } = await bench.tenant();
  const noiseTenant = `bench_noise_${randomId()}`;

  // Provision the tenant (lead_settings, crm_tenants) with one request before seeding.
  const empty = await gql('{ contacts(first: 1) { totalCount } leadSettings { mqlThreshold } }');
  if (empty.contacts.totalCount !== 0) throw new Error('a fresh tenant should have no contacts');

  const pg = await bench.pg('leads');
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

  const first = await gql(LIST, {});
  const cursor = first.contacts.pageInfo.endCursor;
  const cases = [
    { name: 'contacts(first: 50)', query: LIST, variables: {} },
    { name: 'filter: { stage: MQL }', query: LIST, variables: { filter: { stage: 'MQL' } }, explain: true, expected: facts.mql },
    {
      name: 'filter: { ownerId: "owner-3", minScore: 100 }',
      query: LIST,
      variables: { filter: { ownerId: 'owner-3', minScore: 100 } },
      expected: facts.owner3,
    },
    { name: 'filter: { search: "smith" }', query: LIST, variables: { filter: { search: 'smith' } }, expected: facts.smith },
    {
      name: `filter: { companyId } (${company.n} contacts)`,
      query: LIST,
      variables: { filter: { companyId: company.id } },
      expected: company.n,
    },
    { name: 'filter: { createdAfter: 30 days ago }', query: LIST, variables: { filter: { createdAfter: monthAgo } } },
    { name: 'second page (after: endCursor)', query: LIST, variables: { after: cursor } },
    { name: 'contacts(first: 50) + company { name }', query: LIST_WITH_COMPANY, variables: {} },
  ];

  progress(`timing ${cases.length} queries: ${WARMUP} warm-ups + ${RUNS} runs each, sequential`);
  const rows = [];
  let stagePlan;
  for (const c of cases) {
    checkInterrupted();
    // Warm-ups, timed runs (at most QUERY_BUDGET_MS of them), then one more request whose leads
    // statements are captured and priced (EXPLAIN (ANALYZE, BUFFERS) and re-runs).
    const m = await measureQuery(() => gql(c.query, c.variables), {
      warmup: WARMUP,
      runs: RUNS,
      budgetMs: QUERY_BUDGET_MS,
      services: { leads: bench.stack.services.leads },
      pg,
      cost: { buffers: true, planOf: (s) => Boolean(c.explain) && /COUNT\(/i.test(s.query) },
    });
    const conn = m.last.contacts;
    if (c.expected !== undefined && conn.totalCount !== c.expected) {
      throw new Error(`${c.name}: totalCount ${conn.totalCount}, expected ${c.expected}`);
    }
    if (c.variables.after && conn.edges[0]?.cursor === first.contacts.edges[0]?.cursor)
      throw new Error('the second page repeats the first');
    if (m.plan) stagePlan = m.plan;
    rows.push({ name: c.name, total: fmtInt(conn.totalCount), page: String(conn.edges.length), ...measureCells(m) });
    progress(`  ${c.name}: p50 ${fmt(m.summary.p50)} ms, totalCount ${fmtInt(conn.totalCount)}, ${m.statements.length} SQL statements`);
  }

  process.stdout.write('\n');
  printTable(
    [
      { key: 'name', title: `contacts at ${fmtInt(N_CONTACTS)} (+${fmtInt(N_NOISE)} noise), via gateway`, align: 'left' },
      { key: 'total', title: 'totalCount' },
      { key: 'page', title: 'edges' },
      ...measureColumns('leads'),
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
    process.stdout.write(
      `\nEXPLAIN (ANALYZE, BUFFERS) of the stage filter's count statement:\n  ${oneLine(stagePlan.sql, 400)}\n  parameters ${JSON.stringify(stagePlan.parameters)}\n`,
    );
    for (const line of stagePlan.lines) process.stdout.write(`    ${line}\n`);
  }
  process.stdout.write(`\nseed: ${fmtInt(N_CONTACTS + N_NOISE)} contacts in ${seedS.toFixed(1)} s, ANALYZE ${analyzeS.toFixed(1)} s\n`);
  process.stdout.write(`${memoryLine()}\n`);

  await bench.stop();
});
