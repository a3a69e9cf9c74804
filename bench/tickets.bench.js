// Tickets: the SLA breach job at 100k open tickets, and the SQL statements of a contacts list
// with their tickets' SLA and latest NPS.
//
//   (a) breach job: BENCH_TICKETS open tickets (default 100,000) of one tenant written straight
//       into tickets' database with INSERT ... SELECT generate_series (the tenant's SLA policies
//       come from one GraphQL request): opened over the last 30 days, clocks running, one in
//       BENCH_DUE_EVERY (default 10) past its first-response due time, the others due later;
//       then ANALYZE. Timed: the job's use case detectSlaBreaches(db, now) — the run that marks
//       the backlog (one UPDATE ... RETURNING per batch of 5,000 + emitMany into the outbox) —
//       then BENCH_JOB_RUNS steady-state runs (default 20) that find nothing new, as every
//       minute after. Each breach's outbox row is counted afterwards (exactly one per ticket).
//   (b) SQL statements issued in tickets by ONE gateway query
//       `{ contacts(first: 100) { edges { node { tickets { edges { node { sla { breached } } } } latestNps { score } } } } }`
//       over 100 contacts (captureLead) with 1-3 tickets each (openTicket) and an NPS answer for
//       every other one: every subgraph's TypeORM logger.logQuery is wrapped with a counter for
//       the duration of that request, once the events of the setup have settled.
//
// The whole graph runs in THIS process (stack/, in-process events), as in `npm start`.
const {
  progress,
  main,
  now,
  sleep,
  waitFor,
  intEnv,
  checkPostgres,
  startBenchStack,
  waitEventsSettled,
  pool,
  timeRuns,
  captureSql,
  oneLine,
  printTable,
  fmt,
  fmtInt,
  memoryLine,
  built,
} = require('./lib');

const N_TICKETS = intEnv('BENCH_TICKETS', 100_000);
const DUE_EVERY = intEnv('BENCH_DUE_EVERY', 10);
const JOB_RUNS = intEnv('BENCH_JOB_RUNS', 20);
const N_CONTACTS = 100;
const CONCURRENCY = 8;
const SETUP_TIMEOUT_MS = 120_000;

const CONTACTS_QUERY = (first) =>
  `{ contacts(first: ${first}) { edges { node { id tickets { edges { node { sla { breached } } } } latestNps { score } } } } }`;
const CONTACTS_QUERY_VAR =
  'query C($first: Int) { contacts(first: $first) { edges { node { id tickets { edges { node { sla { breached } } } } latestNps { score } } } } }';

// ---------------------------------------------------------------------------------------------
// (a) the breach job

async function seedTickets(pg, tenantId, n) {
  const [policy] = (await pg.query(`SELECT id, version FROM sla_policies WHERE tenant_id = $1 AND priority = 'NORMAL'`, [tenantId])).rows;
  await pg.query('SELECT setseed(0.42)');
  await pg.query(
    `INSERT INTO tickets (tenant_id, contact_id, subject, status, priority, channel, sla_policy_id, sla_policy_version,
                          first_response_minutes, resolution_minutes, sla_elapsed_ms, sla_running_since,
                          first_response_due_at, resolution_due_at, created_at, updated_at)
     SELECT $1, (lpad(to_hex(i % 20000), 8, '0') || '-0000-4000-8000-000000000000')::uuid, 'Ticket ' || i, CASE WHEN i % 3 = 0 THEN 'NEW' ELSE 'OPEN' END, 'NORMAL', 'EMAIL',
            $2, $3, 480, 4320, 0, opened, due, now() + interval '3 days' + r * interval '10 days', opened, opened
       FROM (SELECT i, random() AS r,
                    now() - random() * interval '30 days' AS opened,
                    CASE WHEN i % $5 = 0 THEN now() - (1 + random() * 600) * interval '1 minute'
                         ELSE now() + (1 + random() * 4000) * interval '1 minute' END AS due
               FROM generate_series(0, $4 - 1) AS i) s`,
    [tenantId, policy.id, policy.version, n, DUE_EVERY],
  );
}

async function breachBench(bench, pg) {
  const { detectSlaBreaches } = built('services/tickets/dist/index.js');
  const db = bench.stack.services.tickets.db;
  const { tenantId, gql } = await bench.tenant('bench_breach');
  await gql('{ slaPolicies { id } }'); // provisions the tenant's policies
  progress(`(a) seeding ${fmtInt(N_TICKETS)} open tickets with INSERT ... SELECT generate_series`);
  const t0 = now();
  await seedTickets(pg, tenantId, N_TICKETS);
  await pg.query('ANALYZE tickets');
  const [facts] = (
    await pg.query(
      `SELECT count(*)::int AS tickets, count(*) FILTER (WHERE first_response_due_at < now())::int AS due,
            pg_size_pretty(pg_total_relation_size('tickets')) AS size FROM tickets WHERE tenant_id = $1`,
      [tenantId],
    )
  ).rows;
  progress(
    `seeded in ${((now() - t0) / 1000).toFixed(1)} s: ${fmtInt(facts.tickets)} open tickets, ${fmtInt(facts.due)} past due; table + indexes ${facts.size}`,
  );

  const at = new Date();
  const t1 = now();
  const announced = await detectSlaBreaches(db, at);
  const firstRunMs = now() - t1;
  const steady = await timeRuns(() => detectSlaBreaches(db, at), { warmup: 1, runs: JOB_RUNS });
  const [{ events, tickets }] = (
    await pg.query(
      `SELECT count(*)::int AS events, count(DISTINCT message_key)::int AS tickets FROM crm_outbox WHERE event_type = 'ticket.sla_breached'`,
    )
  ).rows;
  if (announced !== facts.due || events !== facts.due || tickets !== facts.due) {
    throw new Error(
      `expected ${facts.due} breaches, the job announced ${announced}, the outbox holds ${events} events for ${tickets} tickets`,
    );
  }
  const plan = (
    await pg.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM tickets WHERE sla_running_since IS NOT NULL
       AND ((first_responded_at IS NULL AND first_response_breached_at IS NULL AND first_response_due_at < $1)
         OR (resolved_at IS NULL AND resolution_breached_at IS NULL AND resolution_due_at < $1)) LIMIT 5000`,
      [at],
    )
  ).rows[0]['QUERY PLAN'][0];
  return {
    facts,
    announced,
    firstRunMs,
    steady: steady.summary,
    planMs: plan['Execution Time'],
    planNode: plan.Plan['Plans']?.[0]?.['Node Type'] ?? plan.Plan['Node Type'],
  };
}

// ---------------------------------------------------------------------------------------------
// (b) statements of contacts { tickets { sla } latestNps }

async function statementsBench(bench, pgs) {
  const { stack } = bench;
  const { tenantId, gql } = await bench.tenant('bench_n1');
  await gql('{ contacts(first: 1) { totalCount } slaPolicies { id } }');
  const ids = await pool(
    N_CONTACTS,
    CONCURRENCY,
    async (i) =>
      (
        await gql('mutation C($input: CaptureLeadInput!) { captureLead(input: $input) { id } }', {
          input: { email: `t${i}@bench.example.com` },
        })
      ).captureLead.id,
    { timeoutMs: SETUP_TIMEOUT_MS, label: 'captureLead' },
  );
  await waitFor(
    'contacts reaching the tickets replica',
    async () =>
      (await pgs.tickets.query('SELECT count(*)::int AS n FROM contact_refs WHERE tenant_id = $1', [tenantId])).rows[0].n === N_CONTACTS,
    { timeoutMs: SETUP_TIMEOUT_MS, everyMs: 50 },
  );
  const jobs = ids.flatMap((contactId, i) => Array.from({ length: 1 + (i % 3) }, (_, k) => ({ contactId, k })));
  await pool(
    jobs.length,
    CONCURRENCY,
    async (j) => {
      const { contactId, k } = jobs[j];
      await gql('mutation O($input: OpenTicketInput!) { openTicket(input: $input) { id } }', {
        input: { contactId, subject: `Ticket ${k}` },
      });
    },
    { timeoutMs: SETUP_TIMEOUT_MS, label: 'openTicket' },
  );
  await pool(
    N_CONTACTS / 2,
    CONCURRENCY,
    async (i) => {
      await gql('mutation S($input: RecordSurveyResponseInput!) { recordSurveyResponse(input: $input) { id } }', {
        input: { contactId: ids[i * 2], kind: 'NPS', score: i % 11 },
      });
    },
    { timeoutMs: SETUP_TIMEOUT_MS, label: 'recordSurveyResponse' },
  );
  await waitEventsSettled(stack, pgs, 'the setup events settling', SETUP_TIMEOUT_MS);
  const idle = await captureSql(stack.services, () => sleep(1_000));
  let query = CONTACTS_QUERY(N_CONTACTS);
  let variables = {};
  let form = 'literal first';
  try {
    await gql(query);
  } catch (err) {
    if (!/cost limit/i.test(err.message)) throw err;
    query = CONTACTS_QUERY_VAR;
    variables = { first: N_CONTACTS };
    form = `$first variable (the literal was refused: ${err.message})`;
  }
  for (let i = 0; i < 3; i++) await gql(query, variables);
  const { result, statements } = await captureSql(stack.services, () => gql(query, variables));
  const nodes = result.contacts.edges.map((e) => e.node);
  const tickets = nodes.reduce((a, n) => a + n.tickets.edges.length, 0);
  if (nodes.length !== N_CONTACTS || tickets !== jobs.length)
    throw new Error(`got ${nodes.length} contacts and ${tickets} tickets, expected ${N_CONTACTS} and ${jobs.length}`);
  const timing = await timeRuns(() => gql(query, variables), { runs: 10 });
  return { statements, form, tickets, idle: Object.values(idle.statements).reduce((a, l) => a + l.length, 0), timing: timing.summary };
}

// ---------------------------------------------------------------------------------------------

main('tickets.bench', async () => {
  await checkPostgres();
  const bench = await startBenchStack('tickets');
  const pgs = {};
  for (const name of Object.keys(bench.stack.services)) pgs[name] = await bench.pg(name);
  const a = await breachBench(bench, pgs.tickets);
  progress('(b) SQL statements of contacts { tickets { sla { breached } } latestNps }');
  const b = await statementsBench(bench, pgs);

  process.stdout.write('\n');
  printTable(
    [
      { key: 'what', title: `breach job at ${fmtInt(a.facts.tickets)} open tickets`, align: 'left' },
      { key: 'breaches', title: 'breaches announced' },
      { key: 'ms', title: 'ms' },
    ],
    [
      {
        what: `first run: marks the ${fmtInt(a.facts.due)} past due (batches of 5,000) + outbox`,
        breaches: fmtInt(a.announced),
        ms: fmt(a.firstRunMs),
      },
      { what: `steady state, p50 of ${a.steady.n} runs (nothing new)`, breaches: '0', ms: fmt(a.steady.p50) },
      { what: 'steady state, max', breaches: '0', ms: fmt(a.steady.max) },
      { what: `due-ticket scan alone (EXPLAIN ANALYZE, ${a.planNode})`, breaches: '-', ms: fmt(a.planMs) },
    ],
  );
  process.stdout.write(`(outbox checked: exactly one ticket.sla_breached per past-due ticket)\n\n`);
  const names = Object.keys(bench.stack.services);
  printTable(
    [
      { key: 'what', title: 'SQL statements of ONE gateway query', align: 'left' },
      ...names.map((n) => ({ key: n, title: n })),
      { key: 'p50', title: 'p50 ms' },
    ],
    [
      {
        what: `contacts(first: ${N_CONTACTS}) { tickets { sla { breached } } latestNps } (${b.form}): ${b.tickets} tickets`,
        ...Object.fromEntries(names.map((n) => [n, String(b.statements[n].length)])),
        p50: fmt(b.timing.p50),
      },
    ],
  );
  process.stdout.write(`(statements counted over an idle second before, with the same wrap: ${b.idle})\n`);
  for (const n of names) for (const s of b.statements[n]) process.stdout.write(`  ${n.padEnd(8)} ${oneLine(s.query, 220)}\n`);
  process.stdout.write(`\n${memoryLine()}\n`);
  await bench.stop();
});
