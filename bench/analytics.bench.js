// Analytics: the consumer's throughput into the read models and each report's latency.
//
//   (a) load: BENCH_ANALYTICS_CONTACTS contacts (default 1,000,000) and BENCH_ANALYTICS_EVENTS
//       events in all (default 5,000,000) spread over BENCH_ANALYTICS_TENANTS tenants (default
//       10), a year of history: each contact's contact.created + first stage, then activities
//       drawn at random (forward stage moves, churn and reconquest; deals created -> moved ->
//       won/lost, some attributed to campaigns; tickets opened -> first response -> resolved;
//       NPS/CSAT surveys; campaign members and responses, costs). Every entity's events are in
//       order, entities interleave. They go through analytics' own EventConsumer.consumeBatch
//       (validation, idempotency table, set-based apply) in transport batches of
//       BENCH_ANALYTICS_BATCH messages (default 500, as the Kafka transport hands them over),
//       one batch at a time (one partition's order): events/s is consumed events over the time
//       spent inside consumeBatch (generation excluded). Then VACUUM ANALYZE (what autovacuum
//       does after a load: index-only scans need the visibility map).
//   (b) latency: through the gateway, for the first tenant, each report over the last 30 days
//       and over the whole year: 3 warm-ups, then BENCH_ANALYTICS_RUNS runs (default 20);
//       Contact.journey for 100 contacts and Campaign.performance for 50 campaigns in one
//       `_entities` request each, sent to the analytics subgraph signed as the gateway signs it
//       (the contacts and campaigns exist only as events here; DataLoader: one statement per table).
//
// The whole graph runs in THIS process (stack/, in-process events), as in `npm start`.
const { randomUUID } = require('node:crypto');
const { SingleBar, Presets } = require('cli-progress');
const {
  built,
  main,
  progress,
  now,
  intEnv,
  checkPostgres,
  startBenchStack,
  timeRuns,
  printTable,
  fmt,
  fmtInt,
  memoryLine,
  checkInterrupted,
} = require('./lib');

const N_CONTACTS = intEnv('BENCH_ANALYTICS_CONTACTS', 1_000_000);
const N_EVENTS = intEnv('BENCH_ANALYTICS_EVENTS', 5_000_000);
const N_TENANTS = intEnv('BENCH_ANALYTICS_TENANTS', 10);
const BATCH = intEnv('BENCH_ANALYTICS_BATCH', 500);
const RUNS = intEnv('BENCH_ANALYTICS_RUNS', 20);
const N_CAMPAIGNS = 50;
const DAY = 86_400_000;
const FORWARD = ['VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER'];
const SOURCES = ['web', 'ads', 'referral', 'import', 'event'];
const REASONS = ['Price', 'Timing', 'Competitor', 'No budget'];

/** A seeded generator (the same data every run). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCER = { contact: 'leads', deal: 'pipeline', ticket: 'tickets', survey: 'tickets', campaign: 'campaigns' };

/** A transport message as the relay publishes it (the consumer validates it against the catalog). */
function message(type, tenantId, aggregateId, at, data) {
  const source = PRODUCER[type.split('.')[0]];
  const id = randomUUID();
  const event = {
    id,
    type,
    version: 1,
    source,
    tenantId,
    aggregateId,
    occurredAt: new Date(at).toISOString(),
    actor: null,
    traceparent: null,
    data,
  };
  return { topic: `crm.${source}.v1`, key: aggregateId, value: JSON.stringify(event), headers: { 'event-id': id, 'event-type': type } };
}

/** The event stream: yields arrays of messages (one contact's capture, or one activity's events). */
function* stream(tenants, campaigns, nowMs) {
  const random = rng(42);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const contacts = new Array(N_CONTACTS);
  for (let i = 0; i < N_CONTACTS; i++) {
    const tenantId = tenants[i % tenants.length];
    const at = nowMs - 365 * DAY + Math.floor(random() * 335 * DAY);
    const c = { id: randomUUID(), tenantId, stage: random() < 0.2 ? 'VISITOR' : 'LEAD', at };
    contacts[i] = c;
    const iso = new Date(at).toISOString();
    yield [
      message('contact.created', tenantId, c.id, at, { email: `${c.id}@bench.test`, lifecycleStage: c.stage, source: pick(SOURCES) }),
      message('contact.lifecycle_stage_changed', tenantId, c.id, at, { from: null, to: c.stage, reason: null, source: 'API', at: iso }),
    ];
  }
  const later = (c, maxDays) => (c.at = Math.min(nowMs - 1000, c.at + Math.floor(random() * maxDays * DAY) + 1000));
  const move = (c, to) => {
    const from = c.stage;
    c.stage = to;
    const at = later(c, 20);
    return message('contact.lifecycle_stage_changed', c.tenantId, c.id, at, {
      from,
      to,
      reason: null,
      source: 'RULE',
      at: new Date(at).toISOString(),
    });
  };
  let emitted = 2 * N_CONTACTS;
  while (emitted < N_EVENTS) {
    const c = contacts[Math.floor(random() * N_CONTACTS)];
    const r = random();
    let batch;
    if (r < 0.4) {
      const i = FORWARD.indexOf(c.stage);
      if (c.stage === 'CHURNED') batch = [move(c, 'CUSTOMER')];
      else if ((c.stage === 'CUSTOMER' || c.stage === 'PROMOTER') && random() < 0.3) batch = [move(c, 'CHURNED')];
      else if (i >= 0 && i < FORWARD.length - 1) batch = [move(c, FORWARD[Math.min(FORWARD.length - 1, i + 1 + (random() < 0.2 ? 1 : 0))])];
      else batch = [move(c, 'CHURNED')];
    } else if (r < 0.65) batch = deal(c, campaigns[c.tenantId], random, pick, later);
    else if (r < 0.8) batch = ticket(c, random, later);
    else if (r < 0.9) {
      const at = later(c, 10);
      const kind = random() < 0.5 ? 'NPS' : 'CSAT';
      batch = [
        message('survey.responded', c.tenantId, randomUUID(), at, {
          contactId: c.id,
          kind,
          score: kind === 'NPS' ? Math.floor(random() * 11) : 1 + Math.floor(random() * 5),
          respondedAt: new Date(at).toISOString(),
        }),
      ];
    } else batch = member(c, campaigns[c.tenantId], random, pick, later);
    emitted += batch.length;
    yield batch;
  }
}

function deal(c, campaigns, random, pick, later) {
  const id = randomUUID();
  const amount = 1000 * (1 + Math.floor(random() * 200));
  const facts = { pipelineId: campaigns.pipelineId, ownerId: `rep-${Math.floor(random() * 20)}`, kind: 'NEW_BUSINESS' };
  const created = later(c, 5);
  const out = [
    message('deal.created', c.tenantId, id, created, {
      contactId: c.id,
      stageId: campaigns.stages[0],
      probability: 10,
      stageName: 'Prospecting',
      amount,
      currency: 'USD',
      ...facts,
    }),
  ];
  out.push(
    message('deal.stage_changed', c.tenantId, id, later(c, 10), {
      contactId: c.id,
      fromStageId: campaigns.stages[0],
      toStageId: campaigns.stages[1],
      probability: 50,
      stageName: 'Proposal',
      amount,
      currency: 'USD',
      ...facts,
    }),
  );
  if (random() < 0.6) {
    const closed = later(c, 20);
    const closedAt = new Date(closed).toISOString();
    const createdAt = new Date(created).toISOString();
    if (random() < 0.5) {
      out.push(
        message('deal.won', c.tenantId, id, closed, {
          contactId: c.id,
          closedAt,
          createdAt,
          amount,
          currency: 'USD',
          stageName: 'Won',
          ...facts,
        }),
      );
      if (random() < 0.3) {
        const campaignId = pick(campaigns.ids);
        out.push(
          message('campaign.revenue_attributed', c.tenantId, id, closed, {
            dealId: id,
            contactId: c.id,
            closedAt,
            amount,
            currency: 'USD',
            touches: [{ campaignId, firstTouch: amount, lastTouch: amount, linear: amount }],
          }),
        );
      }
    } else {
      out.push(
        message('deal.lost', c.tenantId, id, closed, {
          contactId: c.id,
          reason: pick(REASONS),
          closedAt,
          createdAt,
          amount,
          currency: 'USD',
          stageName: 'Lost',
          ...facts,
        }),
      );
    }
  }
  return out;
}

function ticket(c, random, later) {
  const id = randomUUID();
  const opened = later(c, 5);
  const responded = opened + Math.floor(random() * 8 * 3600_000);
  const resolved = responded + Math.floor(random() * 3 * DAY);
  const iso = (t) => new Date(t).toISOString();
  const firstLate = responded - opened > 4 * 3600_000;
  const late = resolved - opened > 2 * DAY;
  c.at = Math.max(c.at, resolved);
  return [
    message('ticket.opened', c.tenantId, id, opened, { contactId: c.id, priority: 'NORMAL', subject: 'Help' }),
    message('ticket.first_responded', c.tenantId, id, responded, {
      contactId: c.id,
      at: iso(responded),
      dueAt: iso(opened + 4 * 3600_000),
      breached: firstLate,
    }),
    message('ticket.resolved', c.tenantId, id, resolved, {
      contactId: c.id,
      at: iso(resolved),
      dueAt: iso(opened + 2 * DAY),
      breached: late,
      firstResponseBreached: firstLate,
      openedAt: iso(opened),
    }),
  ];
}

function member(c, campaigns, random, pick, later) {
  const campaignId = pick(campaigns.ids);
  const at = later(c, 5);
  const out = [
    message('campaign.member_added', c.tenantId, campaignId, at, { campaignId, contactId: c.id, addedAt: new Date(at).toISOString() }),
  ];
  if (random() < 0.5)
    out.push(
      message('campaign.response_recorded', c.tenantId, campaignId, later(c, 3), {
        campaignId,
        contactId: c.id,
        responseType: pick(['OPENED', 'CLICKED', 'RESPONDED']),
      }),
    );
  if (random() < 0.05) {
    campaigns.cost[campaignId] = (campaigns.cost[campaignId] ?? 0) + 5000;
    out.push(
      message('campaign.cost_recorded', c.tenantId, campaignId, at, {
        campaignId,
        actualCost: campaigns.cost[campaignId],
        amount: 5000,
        currency: 'USD',
      }),
    );
  }
  return out;
}

async function load(analytics, tenants, campaigns) {
  const bar = new SingleBar({ format: 'load |{bar}| {value}/{total} events | {rate} events/s in the consumer' }, Presets.shades_classic);
  bar.start(N_EVENTS, 0, { rate: '-' });
  let pending = [];
  let delivered = 0;
  let consumeMs = 0;
  const flush = async () => {
    const t0 = now();
    await analytics.consumer.consumeBatch(pending);
    consumeMs += now() - t0;
    delivered += pending.length;
    pending = [];
    bar.update(delivered, { rate: fmtInt(delivered / (consumeMs / 1000)) });
  };
  for (const group of stream(tenants, campaigns, Date.now())) {
    pending.push(...group);
    if (pending.length >= BATCH) {
      checkInterrupted();
      await flush();
    }
  }
  if (pending.length) await flush();
  bar.stop();
  return { delivered, consumeMs };
}

main('analytics bench', async () => {
  await checkPostgres();
  progress(`analytics: ${fmtInt(N_CONTACTS)} contacts, ${fmtInt(N_EVENTS)} events over ${N_TENANTS} tenants, batches of ${BATCH}`);
  const bench = await startBenchStack('analytics');
  const first = await bench.tenant('an');
  const tenants = [first.tenantId, ...Array.from({ length: N_TENANTS - 1 }, (_, i) => `an_t${i + 1}`)];
  const campaigns = Object.fromEntries(
    tenants.map((t) => [
      t,
      {
        ids: Array.from({ length: N_CAMPAIGNS }, () => randomUUID()),
        pipelineId: randomUUID(),
        stages: [randomUUID(), randomUUID()],
        cost: {},
      },
    ]),
  );
  const analytics = bench.stack.services.analytics;
  const { delivered, consumeMs } = await load(analytics, tenants, campaigns);
  const rate = delivered / (consumeMs / 1000);
  progress(
    `consumed ${fmtInt(delivered)} events in ${fmt(consumeMs / 1000)} s inside consumeBatch: ${fmtInt(rate)} events/s (goal >= 5,000/s)`,
  );
  const pg = await bench.pg('analytics');
  const tv = now();
  await pg.query('VACUUM ANALYZE');
  progress(`VACUUM ANALYZE in ${fmt((now() - tv) / 1000)} s`);
  const counts =
    await pg.query(`SELECT (SELECT count(*) FROM stage_intervals)::int AS intervals, (SELECT count(*) FROM deal_facts)::int AS deals,
    (SELECT count(*) FROM ticket_facts)::int AS tickets, (SELECT count(*) FROM survey_facts)::int AS surveys, (SELECT count(*) FROM campaign_members)::int AS members`);
  progress(
    `read models: ${Object.entries(counts.rows[0])
      .map(([k, v]) => `${fmtInt(v)} ${k}`)
      .join(', ')}; ${memoryLine()}`,
  );
  const cohort = await pg.query('SELECT count(*)::int AS n FROM contact_facts WHERE tenant_id = $1', [first.tenantId]);
  progress(`reports for tenant ${first.tenantId} (${fmtInt(cohort.rows[0].n)} contacts)`);
  await latencies(first, campaigns[first.tenantId], pg, subgraphClient(bench, analytics.url, first.tenantId));
  await bench.stop();
});

/** The analytics subgraph called directly with a signed identity (entity fields: `_entities`). */
function subgraphClient(bench, url, tenantId) {
  const { signIdentity } = built('packages/service-kit/dist/index.js');
  return async (query, variables) => {
    const headers = {
      'content-type': 'application/json',
      ...signIdentity({ tenantId, userId: 'bench', roles: ['analyst'] }, bench.subgraphSecret),
    };
    const res = await globalThis.fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = await res.json();
    if (body.errors?.length) throw new Error(`analytics subgraph: ${body.errors[0].message}`);
    return body.data;
  };
}

async function latencies(tenant, campaigns, pg, direct) {
  const end = new Date(Date.now() + DAY).toISOString();
  const periods = { '30 days': new Date(Date.now() - 30 * DAY).toISOString(), '365 days': new Date(Date.now() - 366 * DAY).toISOString() };
  const contacts = (await pg.query('SELECT contact_id FROM contact_facts WHERE tenant_id = $1 LIMIT 100', [tenant.tenantId])).rows.map(
    (r) => r.contact_id,
  );
  const queries = [];
  for (const [label, from] of Object.entries(periods)) {
    const input = { from, to: end };
    queries.push([
      `lifecycleFunnel, ${label}`,
      'query($input: LifecycleFunnelInput!) { lifecycleFunnel(input: $input) { stages { stage reached current conversionToNext avgDaysInStage medianDaysInStage } } }',
      { input },
    ]);
    queries.push([
      `lifecycleFunnel cohort (source), ${label}`,
      'query($input: LifecycleFunnelInput!) { lifecycleFunnel(input: $input) { stages { stage reached } } }',
      { input: { ...input, source: 'web' } },
    ]);
    queries.push([
      `pipelineReport, ${label}`,
      'query($input: PipelineReportInput!) { pipelineReport(input: $input) { openValue weightedValue wonCount lostCount winRate avgSalesCycleDays byStage { stageId value } lossReasons { reason count } } }',
      { input },
    ]);
    queries.push([
      `supportReport, ${label}`,
      'query($input: SupportReportInput!) { supportReport(input: $input) { openTickets ticketsResolved slaCompliance avgFirstResponseMinutes csat nps } }',
      { input },
    ]);
    queries.push([
      `retentionReport, ${label}`,
      'query($input: RetentionReportInput!) { retentionReport(input: $input) { customersAtStart churned churnRate repeatPurchaseRate avgLifetimeValue } }',
      { input },
    ]);
  }
  queries.push([
    'Contact.journey x 100 (subgraph)',
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { journey { currentStage stages { stage days } } } } }',
    { r: contacts.map((id) => ({ __typename: 'Contact', id })) },
  ]);
  queries.push([
    'Campaign.performance x 50 (subgraph)',
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { performance { members responseRate influencedRevenue roi } } } }',
    { r: campaigns.ids.map((id) => ({ __typename: 'Campaign', id })) },
  ]);
  const rows = [];
  for (const [label, query, variables] of queries) {
    const call = label.endsWith('(subgraph)') ? () => direct(query, variables) : () => tenant.gql(query, variables);
    const { summary } = await timeRuns(call, { warmup: 3, runs: RUNS, budgetMs: 30_000 });
    rows.push({
      report: label,
      p50: fmt(summary.p50),
      p95: fmt(summary.p95),
      max: fmt(summary.max),
      goal: summary.p50 <= 50 ? 'ok' : 'over',
    });
  }
  printTable(
    [
      { key: 'report', title: 'report (through the gateway unless marked)', align: 'left' },
      { key: 'p50', title: 'p50 ms' },
      { key: 'p95', title: 'p95 ms' },
      { key: 'max', title: 'max ms' },
      { key: 'goal', title: '<= 50 ms' },
    ],
    rows,
  );
}
