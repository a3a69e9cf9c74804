// Campaigns: segment evaluation and addCampaignMembers by segment at 100k contacts.
//
//   The replica (campaigns' own contact_replicas table, normally fed by leads' events) is filled
//   with BENCH_CONTACTS contacts (default 100,000) of one tenant by INSERT ... SELECT
//   generate_series: stages spread over the lifecycle, scores 0-100, eight industries, company
//   sizes 1-5000, five sources, 20 owners, created over two years, customers with a last
//   purchase in the last two years; then ANALYZE. Through the gateway:
//   (a) Segment.contactCount and Segment.contacts(first: 20) for three segments — every contact,
//       "MQLs in software with score >= 60", "customers with no purchase for 365 days" — 3
//       warm-ups then BENCH_SEGMENT_RUNS runs (default 10); each count is checked against SQL.
//   (b) addCampaignMembers(segmentId: every contact) into BENCH_ADD_RUNS fresh campaigns
//       (default 3): one INSERT ... SELECT ... ON CONFLICT DO NOTHING and 100k member_added
//       events in the outbox, one transaction; then the same segment again into the last
//       campaign (all duplicates: nothing inserted).
//
// The whole graph runs in THIS process (stack/, in-process events), as in `npm start`.
const { progress, main, now, intEnv, checkPostgres, startBenchStack, timeRuns, printTable, fmt, fmtInt, memoryLine } = require('./lib');

const N_CONTACTS = intEnv('BENCH_CONTACTS', 100_000);
const SEGMENT_RUNS = intEnv('BENCH_SEGMENT_RUNS', 10);
const ADD_RUNS = intEnv('BENCH_ADD_RUNS', 3);
const WARMUP = 3;
const DAY = 86_400_000;

const CREATE_SEGMENT = 'mutation S($input: CreateSegmentInput!) { createSegment(input: $input) { id } }';
const COUNT = 'query C($id: ID!) { segment(id: $id) { contactCount } }';
const PAGE = 'query P($id: ID!) { segment(id: $id) { contacts(first: 20) { edges { node { id } } pageInfo { hasNextPage } } } }';
const CREATE_CAMPAIGN = 'mutation C($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }';
const ADD = 'mutation A($input: AddCampaignMembersInput!) { addCampaignMembers(input: $input) { stats { members } } }';

async function seedReplica(pg, tenantId, n) {
  const t0 = now();
  await pg.query('SELECT setseed(0.42)');
  await pg.query(
    `INSERT INTO contact_replicas (tenant_id, id, stage, score, industry, company_size, source, owner_id, churn_risk,
                                   customer_since, last_purchase_at, last_engagement_at, created_at, versions)
     SELECT $1, gen_random_uuid(), st, floor(r_score * 101)::int,
            (ARRAY['Software','SaaS','Retail','Healthcare','Manufacturing','Financial Services','Education','Media'])[1 + floor(r_ind * 8)::int],
            1 + floor(r_size * 5000)::int, (ARRAY['api','form','import','campaign','web_form'])[1 + floor(r_src * 5)::int],
            'owner-' || floor(r_own * 20)::int, r_churn < 0.05,
            CASE WHEN st IN ('CUSTOMER','PROMOTER','CHURNED') THEN created + interval '30 days' END,
            CASE WHEN st IN ('CUSTOMER','PROMOTER','CHURNED') THEN now() - (r_buy * 730) * interval '1 day' END,
            CASE WHEN r_eng < 0.7 THEN now() - (r_eng * 300) * interval '1 day' END,
            created, '{}'
       FROM (SELECT (ARRAY['VISITOR','LEAD','LEAD','MQL','MQL','SQL','OPPORTUNITY','CUSTOMER','CUSTOMER','PROMOTER','CHURNED','DISQUALIFIED'])[1 + floor(random() * 12)::int] AS st,
                    random() AS r_score, random() AS r_ind, random() AS r_size, random() AS r_src, random() AS r_own, random() AS r_churn,
                    random() AS r_buy, random() AS r_eng, now() - (random() * 730) * interval '1 day' AS created
               FROM generate_series(1, $2)) g`,
    [tenantId, n],
  );
  const seedS = (now() - t0) / 1000;
  const t1 = now();
  await pg.query('ANALYZE contact_replicas');
  return { seedS, analyzeS: (now() - t1) / 1000 };
}

function segments() {
  const yearAgo = new Date(Date.now() - 365 * DAY).toISOString();
  return [
    { label: 'every contact', rules: {}, sql: 'true', params: [] },
    {
      label: 'MQLs in software, score >= 60',
      rules: { stages: ['MQL'], industries: ['software'], minScore: 60 },
      sql: "stage = 'MQL' AND lower(industry) = 'software' AND score >= 60",
      params: [],
    },
    {
      label: 'customers, no purchase for 365 days',
      rules: { stages: ['CUSTOMER', 'PROMOTER'], lastPurchaseBefore: yearAgo },
      sql: "stage IN ('CUSTOMER','PROMOTER') AND (last_purchase_at IS NULL OR last_purchase_at < $2)",
      params: [yearAgo],
    },
  ];
}

async function segmentBench({ gql, tenantId }, pg) {
  const rows = [];
  const ids = {};
  for (const s of segments()) {
    const { createSegment } = await gql(CREATE_SEGMENT, { input: { name: s.label, rules: s.rules } });
    ids[s.label] = createSegment.id;
    const [{ n: expected }] = (
      await pg.query(`SELECT count(*)::int AS n FROM contact_replicas WHERE tenant_id = $1 AND ${s.sql}`, [tenantId, ...s.params])
    ).rows;
    const count = await timeRuns(() => gql(COUNT, { id: createSegment.id }), { warmup: WARMUP, runs: SEGMENT_RUNS });
    const got = count.last.segment.contactCount;
    if (got !== expected) throw new Error(`${s.label}: contactCount ${got}, SQL says ${expected}`);
    const page = await timeRuns(() => gql(PAGE, { id: createSegment.id }), { warmup: WARMUP, runs: SEGMENT_RUNS });
    rows.push({
      what: s.label,
      matches: fmtInt(got),
      countP50: fmt(count.summary.p50),
      countP95: fmt(count.summary.p95),
      pageP50: fmt(page.summary.p50),
      pageP95: fmt(page.summary.p95),
      page: String(page.last.segment.contacts.edges.length),
    });
  }
  return { rows, everyone: ids['every contact'] };
}

async function addBench({ gql, tenantId }, pg, segmentId) {
  const rows = [];
  let campaignId;
  for (let i = 0; i < ADD_RUNS; i++) {
    ({
      createCampaign: { id: campaignId },
    } = await gql(CREATE_CAMPAIGN, { input: { name: `Bench ${i}`, kind: 'NURTURE', channel: 'EMAIL' } }));
    const before = (await pg.query('SELECT count(*)::int AS n FROM crm_outbox WHERE event_type = $1', ['campaign.member_added'])).rows[0].n;
    const t0 = now();
    const { addCampaignMembers } = await gql(ADD, { input: { campaignId, segmentId } }, 300_000);
    const ms = now() - t0;
    const after = (await pg.query('SELECT count(*)::int AS n FROM crm_outbox WHERE event_type = $1', ['campaign.member_added'])).rows[0].n;
    rows.push({
      what: `fresh campaign ${i + 1}`,
      members: fmtInt(addCampaignMembers.stats.members),
      events: fmtInt(after - before),
      ms: fmt(ms),
      perSec: fmtInt(addCampaignMembers.stats.members / (ms / 1000)),
    });
    progress(`(b) run ${i + 1}: ${fmtInt(addCampaignMembers.stats.members)} members in ${fmt(ms)} ms`);
  }
  const t0 = now();
  const { addCampaignMembers } = await gql(ADD, { input: { campaignId, segmentId } }, 300_000);
  const ms = now() - t0;
  rows.push({
    what: 'same segment again (all duplicates)',
    members: fmtInt(addCampaignMembers.stats.members),
    events: '0',
    ms: fmt(ms),
    perSec: '-',
  });
  const [{ n }] = (
    await pg.query('SELECT count(*)::int AS n FROM campaign_members WHERE tenant_id = $1 AND campaign_id = $2', [tenantId, campaignId])
  ).rows;
  if (n !== addCampaignMembers.stats.members) throw new Error(`members ${addCampaignMembers.stats.members}, rows ${n}`);
  return rows;
}

main('campaigns.bench', async () => {
  await checkPostgres();
  const bench = await startBenchStack('campaigns');
  const pg = await bench.pg('campaigns');
  const tenant = await bench.tenant();
  await tenant.gql('{ campaigns { totalCount } }');
  progress(`filling the replica with ${fmtInt(N_CONTACTS)} contacts`);
  const seed = await seedReplica(pg, tenant.tenantId, N_CONTACTS);
  progress('(a) segment evaluation');
  const a = await segmentBench(tenant, pg);
  progress('(b) addCampaignMembers by segment');
  const b = await addBench(tenant, pg, a.everyone);

  process.stdout.write('\n');
  printTable(
    [
      { key: 'what', title: `segment over ${fmtInt(N_CONTACTS)} contacts, via gateway`, align: 'left' },
      { key: 'matches', title: 'matches' },
      { key: 'countP50', title: 'contactCount p50 ms' },
      { key: 'countP95', title: 'p95 ms' },
      { key: 'pageP50', title: 'contacts(first: 20) p50 ms' },
      { key: 'pageP95', title: 'p95 ms' },
      { key: 'page', title: 'rows' },
    ],
    a.rows,
  );
  process.stdout.write(`(${SEGMENT_RUNS} runs after ${WARMUP} warm-ups each; counts checked against a direct SQL count)\n\n`);
  printTable(
    [
      { key: 'what', title: 'addCampaignMembers(segmentId: every contact), via gateway', align: 'left' },
      { key: 'members', title: 'members' },
      { key: 'events', title: 'member_added events' },
      { key: 'ms', title: 'ms' },
      { key: 'perSec', title: 'members/s' },
    ],
    b,
  );
  process.stdout.write(`seed: ${fmtInt(N_CONTACTS)} replica rows in ${seed.seedS.toFixed(1)} s, ANALYZE ${seed.analyzeS.toFixed(1)} s\n`);
  process.stdout.write(`\n${memoryLine()}\n`);
  await bench.stop();
});
