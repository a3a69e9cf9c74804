// Pipeline: forecast latency at 100k deals, and the SQL statements of `contacts { deals }`.
//
//   (a) forecast: BENCH_DEALS deals (default 100,000) of one tenant written straight into
//       pipeline's database with INSERT ... SELECT generate_series (its default pipeline and
//       stages come from one GraphQL request): ~60% open / 20% won / 20% lost, USD/EUR/GBP,
//       50 owners (+5% unassigned), expected close dates over 900 days around today, plus the
//       stage history the app would have written (a creation row per deal and a closing row per
//       closed deal; the schema does not require them and the forecast does not read them); then
//       ANALYZE. forecast(input: { from, to, groupBy }) is timed through the gateway for MONTH,
//       OWNER and STAGE over the whole 900 days and over the current quarter: 3 warm-ups, then
//       BENCH_FORECAST_RUNS runs (default 20). Its totals are checked against a direct SQL count.
//   (b) SQL statements issued by ONE gateway query
//       `{ contacts(first: 100) { edges { node { id email deals { id title amount stage { name } } } } } }`
//       over 100 contacts (captureLead) with 1-3 deals each (createDeal): every subgraph's
//       TypeORM logger.logQuery is wrapped with a counter for the duration of that request, once
//       the event cascade (deal.created -> leads -> OPPORTUNITY -> ...) has settled and the
//       tenant is warm. Again with first: 20 to show the count does not grow with the contacts.
//
// The whole graph runs in THIS process (stack/, in-process events), as in `npm start`.
const {
  progress,
  main,
  now,
  sleep,
  intEnv,
  checkPostgres,
  startBenchStack,
  waitEventsSettled,
  pool,
  timeRuns,
  captureSql,
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

const N_DEALS = intEnv('BENCH_DEALS', 100_000);
const RUNS = intEnv('BENCH_FORECAST_RUNS', 20);
const WARMUP = 3;
const N_OWNERS = 50;
const N1_CONTACTS = 100;
const N1_LATENCY_RUNS = 10;
const CONCURRENCY = 8;
const SETUP_TIMEOUT_MS = 60_000;
/** No single forecast variant may take the whole bench hostage. */
const QUERY_BUDGET_MS = 20_000;

const FIGURES = 'currency openAmount weightedAmount bestCase commit closedWon dealCount';
const FORECAST = `query Forecast($input: ForecastInput!) {
  forecast(input: $input) { groups { key ${FIGURES} } totals { ${FIGURES} } }
}`;
const PIPELINES = '{ pipelines { id name isDefault stages { id name probability forecastCategory isWon isLost } } }';
const CAPTURE = 'mutation Capture($input: CaptureLeadInput!) { captureLead(input: $input) { id } }';
const CREATE_DEAL = 'mutation CreateDeal($input: CreateDealInput!) { createDeal(input: $input) { id } }';
/** The query of the brief, with `first` written in the document ... */
const contactsWithDeals = (first) =>
  `{ contacts(first: ${first}) { edges { node { id email deals { id title amount stage { name } } } } } }`;
/** ... and the same query with `first` as a variable (the gateway's cost limit only multiplies literal `first`). */
const CONTACTS_WITH_DEALS_VAR =
  'query ContactsDeals($first: Int) { contacts(first: $first) { edges { node { id email deals { id title amount stage { name } } } } } }';

// ---------------------------------------------------------------------------------------------
// (a) forecast at 100k deals

/**
 * Deal i: status by a random draw (60/20/20); open deals sit in one of the open stages (with its
 * probability) and expect to close anywhere in [today - 450, today + 449]; closed deals expected
 * (and closed, at a random time of that UTC day) in the 450 days before today.
 */
async function seedDeals(pg, tenantId, pipelineId, n) {
  const t0 = now();
  await pg.query('SELECT setseed(0.17)');
  await pg.query(
    `WITH st AS (
       SELECT array_agg(id ORDER BY position) FILTER (WHERE NOT is_won AND NOT is_lost) AS open_ids,
              array_agg(probability ORDER BY position) FILTER (WHERE NOT is_won AND NOT is_lost) AS open_probs,
              (array_agg(id) FILTER (WHERE is_won))[1] AS won_id,
              (array_agg(id) FILTER (WHERE is_lost))[1] AS lost_id
         FROM pipeline_stages WHERE tenant_id = $1 AND pipeline_id = $2 AND archived_at IS NULL),
     src AS (
       SELECT i, CASE WHEN r_status < 0.6 THEN 'OPEN' WHEN r_status < 0.8 THEN 'WON' ELSE 'LOST' END AS status,
              r_stage, r_cur, r_date, r_amount, r_age, r_time
         FROM (SELECT i, random() AS r_status, random() AS r_stage, random() AS r_cur, random() AS r_date,
                      random() AS r_amount, random() AS r_age, random() AS r_time
                 FROM generate_series(0, $3 - 1) AS i) r),
     d AS (
       SELECT src.*, st.*, 1 + floor(r_stage * cardinality(st.open_ids))::int AS si,
              CASE WHEN status = 'OPEN' THEN current_date - 450 + floor(r_date * 900)::int
                   ELSE current_date - 1 - floor(r_date * 450)::int END AS ecd
         FROM src CROSS JOIN st)
     INSERT INTO deals (tenant_id, pipeline_id, stage_id, contact_id, company_id, owner_id, title, amount, currency,
                        probability, kind, status, expected_close_date, closed_at, lost_reason, created_at, updated_at, version)
     SELECT $1, $2,
            CASE status WHEN 'OPEN' THEN open_ids[si] WHEN 'WON' THEN won_id ELSE lost_id END,
            md5('contact-' || (i % 30000))::uuid,
            CASE WHEN i % 4 = 0 THEN NULL ELSE md5('company-' || (i % 5000))::uuid END,
            CASE WHEN i % 20 = 19 THEN NULL ELSE 'owner-' || ((i * 7) % ${N_OWNERS}) END,
            'Deal ' || i,
            (1000 + floor(r_amount * r_amount * 4999000))::bigint,
            CASE WHEN r_cur < 0.6 THEN 'USD' WHEN r_cur < 0.85 THEN 'EUR' ELSE 'GBP' END,
            CASE status WHEN 'OPEN' THEN open_probs[si] WHEN 'WON' THEN 100 ELSE 0 END,
            CASE WHEN i % 20 < 14 THEN 'NEW_BUSINESS' WHEN i % 20 < 17 THEN 'UPSELL' WHEN i % 20 < 19 THEN 'CROSS_SELL' ELSE 'RENEWAL' END,
            status,
            ecd,
            CASE WHEN status = 'OPEN' THEN NULL ELSE (ecd::timestamp AT TIME ZONE 'UTC') + r_time * interval '1 day' END,
            CASE WHEN status = 'LOST' THEN (ARRAY['Price', 'Competitor', 'No budget', 'Timing'])[1 + i % 4] END,
            c.created, coalesce(CASE WHEN status = 'OPEN' THEN NULL ELSE (ecd::timestamp AT TIME ZONE 'UTC') + r_time * interval '1 day' END, c.created),
            CASE WHEN status = 'OPEN' THEN 1 ELSE 2 END
       FROM d CROSS JOIN LATERAL (
              SELECT least(ecd::timestamp AT TIME ZONE 'UTC', now()) - (7 + r_age * 173) * interval '1 day' AS created) c`,
    [tenantId, pipelineId, n],
  );
  const dealsS = (now() - t0) / 1000;
  const t1 = now();
  // History as createDeal / winDeal / loseDeal write it: creation (from null; closed deals were
  // created in the first open stage), then the close (first open stage -> won/lost).
  const [first] = (
    await pg.query(
      `SELECT id, probability FROM pipeline_stages
        WHERE tenant_id = $1 AND pipeline_id = $2 AND archived_at IS NULL AND NOT is_won AND NOT is_lost
        ORDER BY position LIMIT 1`,
      [tenantId, pipelineId],
    )
  ).rows;
  await pg.query(
    `INSERT INTO deal_stage_changes (tenant_id, deal_id, from_stage_id, to_stage_id, at, amount, currency, probability, actor)
     SELECT tenant_id, id, NULL, CASE WHEN status = 'OPEN' THEN stage_id ELSE $2::uuid END, created_at, amount, currency,
            CASE WHEN status = 'OPEN' THEN probability ELSE $3 END, owner_id
       FROM deals WHERE tenant_id = $1 ORDER BY created_at`,
    [tenantId, first.id, first.probability],
  );
  await pg.query(
    `INSERT INTO deal_stage_changes (tenant_id, deal_id, from_stage_id, to_stage_id, at, amount, currency, probability, actor)
     SELECT tenant_id, id, $2::uuid, stage_id, closed_at, amount, currency, probability, owner_id
       FROM deals WHERE tenant_id = $1 AND status <> 'OPEN' ORDER BY closed_at`,
    [tenantId, first.id],
  );
  return { dealsS, historyS: (now() - t1) / 1000 };
}

/** Open deals by expected close date and won deals by UTC close date, per currency: what the totals must say. */
async function expectedTotals(pg, tenantId, from, to) {
  const { rows } = await pg.query(
    `SELECT currency, count(*)::int AS n, coalesce(sum(amount) FILTER (WHERE status = 'OPEN'), 0)::text AS open
       FROM deals
      WHERE tenant_id = $1
        AND ((status = 'OPEN' AND expected_close_date BETWEEN $2::date AND $3::date)
          OR (status = 'WON' AND (closed_at AT TIME ZONE 'UTC')::date BETWEEN $2::date AND $3::date))
      GROUP BY currency ORDER BY currency`,
    [tenantId, from, to],
  );
  return rows.map((r) => `${r.currency}:${r.n}:${r.open}`).join(' ');
}

async function forecastBench(bench, { tenantId, gql }, pg) {
  const pipelines = (await gql(PIPELINES)).pipelines;
  const pipeline = pipelines.find((p) => p.isDefault);
  if (!pipeline) throw new Error('the tenant has no default pipeline after its first request');
  progress(
    `default pipeline "${pipeline.name}": ${pipeline.stages.map((s) => `${s.name} ${s.probability}% ${s.forecastCategory}`).join(', ')}`,
  );

  progress(`seeding ${fmtInt(N_DEALS)} deals with INSERT ... SELECT generate_series (+ their stage history)`);
  const t0 = now();
  const split = await seedDeals(pg, tenantId, pipeline.id, N_DEALS);
  const seedS = (now() - t0) / 1000;
  const t1 = now();
  await pg.query('ANALYZE deals; ANALYZE deal_stage_changes');
  const analyzeS = (now() - t1) / 1000;
  const [facts] = (
    await pg.query(
      `SELECT count(*)::int AS deals, count(*) FILTER (WHERE status = 'OPEN')::int AS open,
              count(*) FILTER (WHERE status = 'WON')::int AS won, count(*) FILTER (WHERE status = 'LOST')::int AS lost,
              count(DISTINCT currency)::int AS currencies, count(DISTINCT owner_id)::int AS owners,
              min(expected_close_date)::text AS min_ecd, max(expected_close_date)::text AS max_ecd,
              (SELECT count(*)::int FROM deal_stage_changes WHERE tenant_id = $1) AS history,
              pg_size_pretty(pg_total_relation_size('deals')) AS size
         FROM deals WHERE tenant_id = $1`,
      [tenantId],
    )
  ).rows;
  progress(
    `seeded in ${seedS.toFixed(1)} s (deals ${split.dealsS.toFixed(1)} s, history ${split.historyS.toFixed(1)} s), ANALYZE ${analyzeS.toFixed(1)} s: ${fmtInt(facts.deals)} deals (${fmtInt(facts.open)} open, ${fmtInt(facts.won)} won, ` +
      `${fmtInt(facts.lost)} lost), ${facts.currencies} currencies, ${facts.owners} owners, expected close ${facts.min_ecd}..${facts.max_ecd}, ` +
      `${fmtInt(facts.history)} history rows; deals table + indexes ${facts.size}`,
  );

  const [range] = (
    await pg.query(
      `SELECT (current_date - 450)::text AS full_from, (current_date + 449)::text AS full_to,
              date_trunc('quarter', current_date)::date::text AS q_from,
              (date_trunc('quarter', current_date) + interval '3 months' - interval '1 day')::date::text AS q_to`,
    )
  ).rows;
  const periods = [
    { label: `full range ${range.full_from}..${range.full_to}`, short: 'full 900 days', from: range.full_from, to: range.full_to },
    { label: `quarter ${range.q_from}..${range.q_to}`, short: 'this quarter', from: range.q_from, to: range.q_to },
  ];
  const rows = [];
  for (const period of periods) {
    const expected = await expectedTotals(pg, tenantId, period.from, period.to);
    for (const groupBy of ['MONTH', 'OWNER', 'STAGE']) {
      checkInterrupted();
      const variables = { input: { from: period.from, to: period.to, groupBy } };
      // Warm-ups, timed runs (at most QUERY_BUDGET_MS of them), then one more request whose
      // pipeline statements are captured and priced (EXPLAIN (ANALYZE) and re-runs).
      const m = await measureQuery(() => gql(FORECAST, variables), {
        warmup: WARMUP,
        runs: RUNS,
        budgetMs: QUERY_BUDGET_MS,
        services: { pipeline: bench.stack.services.pipeline },
        pg,
      });
      const f = m.last.forecast;
      const got = [...f.totals]
        .sort((a, b) => (a.currency < b.currency ? -1 : 1))
        .map((t) => `${t.currency}:${t.dealCount}:${t.openAmount}`)
        .join(' ');
      if (got !== expected) throw new Error(`forecast ${groupBy} ${period.label}: totals ${got}, expected ${expected}`);
      const groupDeals = f.groups.reduce((a, g) => a + g.dealCount, 0);
      const totalDeals = f.totals.reduce((a, t) => a + t.dealCount, 0);
      if (groupDeals !== totalDeals) throw new Error(`forecast ${groupBy}: groups hold ${groupDeals} deals, totals ${totalDeals}`);
      rows.push({ what: `${groupBy}, ${period.short}`, groups: String(f.groups.length), deals: fmtInt(totalDeals), ...measureCells(m) });
      progress(
        `  forecast ${groupBy} ${period.label}: p50 ${fmt(m.summary.p50)} ms, ${f.groups.length} groups, ${fmtInt(totalDeals)} deals placed`,
      );
    }
  }
  return { rows, seedS, analyzeS, facts, periods };
}

// ---------------------------------------------------------------------------------------------
// (b) SQL statements of contacts { deals }

async function statementsBench(bench, pgs) {
  const { stack } = bench;
  const { tenantId, gql } = await bench.tenant('bench_n1');
  // Provision the tenant in every subgraph the query touches (and the ones the events reach).
  await gql('{ contacts(first: 1) { totalCount } pipelines { id } }');

  const t0 = now();
  const contactIds = await pool(
    N1_CONTACTS,
    CONCURRENCY,
    async (i) =>
      (await gql(CAPTURE, { input: { email: `n1-${i}@bench${i % 10}.example.com`, firstName: `Buyer${i}`, lastName: 'Bench' } }))
        .captureLead.id,
    { timeoutMs: SETUP_TIMEOUT_MS, label: 'captureLead' },
  );
  // pipeline accepts deals only for contacts it has heard of (contact.created).
  await waitEventsSettled(stack, pgs, 'contact.created reaching pipeline', SETUP_TIMEOUT_MS);
  const dealJobs = contactIds.flatMap((contactId, i) => Array.from({ length: 1 + (i % 3) }, (_, k) => ({ contactId, k })));
  await pool(
    dealJobs.length,
    CONCURRENCY,
    async (j) => {
      const { contactId, k } = dealJobs[j];
      await gql(CREATE_DEAL, { input: { contactId, title: `Deal ${k + 1} of ${contactId.slice(0, 8)}`, amount: 10_000 * (k + 1) } });
    },
    { timeoutMs: SETUP_TIMEOUT_MS, label: 'createDeal' },
  );
  await waitEventsSettled(stack, pgs, 'the setup events settling', SETUP_TIMEOUT_MS);
  progress(`(b) ${N1_CONTACTS} contacts and ${dealJobs.length} deals created in ${((now() - t0) / 1000).toFixed(1)} s; events settled`);

  // Nothing in the background: the same wrap over an idle second must count nothing.
  const idle = await captureSql(stack.services, () => sleep(1_000));
  const idleCount = Object.values(idle.statements).reduce((a, l) => a + l.length, 0);

  const results = [];
  for (const first of [N1_CONTACTS, 20]) {
    checkInterrupted();
    // The brief's document first; when the gateway's cost limit refuses it (graphql-armor
    // multiplies the cost by a literal `first`), the same selection with `first` as a variable.
    let query = contactsWithDeals(first);
    let variables = {};
    let form = 'literal first';
    let literal = 'accepted';
    try {
      await gql(query);
    } catch (err) {
      if (!/cost limit/i.test(err.message)) throw err;
      literal = `refused by the gateway: ${err.message}`;
      query = CONTACTS_WITH_DEALS_VAR;
      variables = { first };
      form = '$first variable';
    }
    for (let i = 0; i < WARMUP; i++) await gql(query, variables);
    const t = now();
    const { result, statements } = await captureSql(stack.services, () => gql(query, variables));
    const latencyMs = now() - t;
    const nodes = result.contacts.edges.map((e) => e.node);
    const dealsReturned = nodes.reduce((a, n) => a + n.deals.length, 0);
    const [{ n: dealsInDb }] = (
      await pgs.pipeline.query('SELECT count(*)::int AS n FROM deals WHERE tenant_id = $1 AND contact_id = ANY($2::uuid[])', [
        tenantId,
        nodes.map((n) => n.id),
      ])
    ).rows;
    if (nodes.length !== first) throw new Error(`contacts(first: ${first}) returned ${nodes.length} contacts`);
    if (dealsReturned !== dealsInDb)
      throw new Error(`contacts(first: ${first}) returned ${dealsReturned} deals, the database holds ${dealsInDb}`);
    if (nodes.some((n) => n.deals.some((d) => !d.stage?.name))) throw new Error('a deal came back without its stage');
    const { summary: timing } = await timeRuns(() => gql(query, variables), { runs: N1_LATENCY_RUNS });
    results.push({ first, form, literal, statements, latencyMs, contacts: nodes.length, deals: dealsReturned, timing });
  }
  return { results, idleCount, deals: dealJobs.length };
}

// ---------------------------------------------------------------------------------------------

main('pipeline.bench', async () => {
  await checkPostgres();
  const bench = await startBenchStack('pipeline');
  const { stack } = bench;

  const pgs = {};
  for (const name of Object.keys(stack.services)) pgs[name] = await bench.pg(name);

  // (a)
  const tenant = await bench.tenant();
  progress('(a) forecast at 100k deals');
  const a = await forecastBench(bench, tenant, pgs.pipeline);

  // (b)
  progress('(b) SQL statements of contacts { deals }');
  const b = await statementsBench(bench, pgs);

  process.stdout.write('\n');
  printTable(
    [
      { key: 'what', title: `forecast at ${fmtInt(a.facts.deals)} deals, via gateway`, align: 'left' },
      { key: 'groups', title: 'groups' },
      { key: 'deals', title: 'deals placed' },
      ...measureColumns('pipeline'),
    ],
    a.rows,
  );
  process.stdout.write(
    `(${a.periods.map((p) => p.label).join('; ')}; totals checked against a direct count per currency;\n` +
      ' SQL ms: median wall time of 5 re-runs of the statement on a separate connection; DB ms: its EXPLAIN ANALYZE execution time)\n',
  );
  process.stdout.write(
    `seed: ${fmtInt(a.facts.deals)} deals + ${fmtInt(a.facts.history)} history rows in ${a.seedS.toFixed(1)} s, ANALYZE ${a.analyzeS.toFixed(1)} s\n\n`,
  );

  const names = Object.keys(stack.services);
  printTable(
    [
      { key: 'what', title: `SQL statements of ONE gateway query (${b.deals} deals over ${N1_CONTACTS} contacts)`, align: 'left' },
      ...names.map((n) => ({ key: n, title: n })),
      { key: 'latency', title: 'that request ms' },
      { key: 'p50', title: `p50 of ${N1_LATENCY_RUNS} ms` },
    ],
    b.results.map((r) => ({
      what: `contacts(first: ${r.first}) { deals { stage } } (${r.form}): ${r.contacts} contacts, ${r.deals} deals`,
      ...Object.fromEntries(names.map((n) => [n, String(r.statements[n].length)])),
      latency: fmt(r.latencyMs),
      p50: fmt(r.timing.p50),
    })),
  );
  process.stdout.write(`(statements counted over an idle second before, with the same wrap: ${b.idleCount})\n`);
  for (const r of b.results) process.stdout.write(`the document with a literal first: ${r.first}: ${r.literal}\n`);
  for (const r of b.results) {
    process.stdout.write(`\nstatements of contacts(first: ${r.first}):\n`);
    for (const n of names) {
      for (const s of r.statements[n]) process.stdout.write(`  ${n.padEnd(8)} ${oneLine(s.query, 220)}\n`);
    }
  }
  process.stdout.write(`\n${memoryLine()}\n`);

  await bench.stop();
});
