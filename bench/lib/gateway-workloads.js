// The graph of bench/gateway.bench.js: seeding a realistic tenant through the use cases (the
// whole graph in one process, in-process events) and the workloads' queries.
const { readFileSync } = require('node:fs');
const os = require('node:os');
const cliProgress = require('cli-progress');
const { built, graphqlClient, onCleanup, progress, pool, randomId, waitFor } = require('../lib');

const PAGE_FIELDS = `id email firstName lastName lifecycleStage company { id name domain }
  deals { id title amount currency status stage { name } }
  tickets(first: 5) { totalCount edges { node { id subject status priority } } }
  campaignMemberships { id status campaign { id name } }
  journey { currentStage stages { stage } }`;
/** (a) the frontend page: 50 contacts with company, deals, tickets, campaign memberships, journey. */
// `first` as a variable, as a frontend sends it (the cost limit weighs only a literal `first`).
const PAGE = `query ContactsPage($first: Int = 50, $after: String) { contacts(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${PAGE_FIELDS} } } } }`;
/** (b) a dashboard touching every subgraph. */
const DASHBOARD = `query Dashboard($from: DateTime!, $to: DateTime!) {
  contactsByStage { stage contacts }
  contacts(first: 10) { totalCount edges { node { id email lifecycleStage } } }
  deals(first: 10) { totalCount edges { node { id title amount currency } } }
  tickets(first: 10) { totalCount edges { node { id subject status } } }
  campaigns(first: 10) { totalCount edges { node { id name } } }
  pipelineReport(input: { from: $from, to: $to }) { currency openValue openDeals wonCount }
  supportReport(input: { from: $from, to: $to }) { openTickets ticketsOpened }
}`;
/** (c) one contact. */
const CONTACT = `query Contact($id: ID!) { contact(id: $id) { ${PAGE_FIELDS} } }`;
/** The leads part of the page, sent to the leads subgraph directly (signed): the floor of (a). */
const LEADS_PAGE = `query ContactsPage($first: Int = 50, $after: String) { contacts(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id email firstName lastName lifecycleStage company { id name domain } } } } }`;

/** The nesting goal: at most one SQL statement per subgraph per level. */
const NESTED = `query Nested($first: Int = 100) { contacts(first: $first) { edges { node { id
  deals { id } tickets { edges { node { id } } } campaignMemberships { id } journey { currentStage } } } } }`;

const CAPTURE = 'mutation Capture($input: CaptureLeadInput!) { captureLead(input: $input) { id } }';
const CREATE_DEAL = 'mutation CreateDeal($input: CreateDealInput!) { createDeal(input: $input) { id } }';
const OPEN_TICKET = 'mutation OpenTicket($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const CREATE_CAMPAIGN = 'mutation C($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }';
const ADD_MEMBERS = 'mutation A($input: AddCampaignMembersInput!) { addCampaignMembers(input: $input) { id } }';

/** `contacts` contacts over 25 companies, a deal each, a ticket for every other, two campaigns. */
async function seedTenant(gql, contacts, bar) {
  await gql('{ pipelines { id } slaPolicies { id } }'); // provisions the tenant
  const ids = await pool(contacts, 8, async (i) => {
    const { captureLead } = await gql(CAPTURE, {
      input: {
        email: `p${i}@c${i % 25}.bench.example.com`,
        firstName: `First${i}`,
        lastName: `Last${i}`,
        companyName: `Company ${i % 25}`,
        companyDomain: `c${i % 25}.bench.example.com`,
      },
    });
    bar.increment();
    return captureLead.id;
  });
  await pool(contacts, 8, async (i) => {
    await gql(CREATE_DEAL, { input: { contactId: ids[i], title: `Deal ${i}`, amount: 1000 * (i + 1), currency: 'USD' } });
    if (i % 2 === 0) await gql(OPEN_TICKET, { input: { contactId: ids[i], subject: `Ticket ${i}` } });
    bar.increment();
  });
  for (const name of ['Spring nurture', 'Webinar']) {
    const { createCampaign } = await gql(CREATE_CAMPAIGN, { input: { name, kind: 'NURTURE', channel: 'EMAIL' } });
    for (let k = 0; k < ids.length; k += 1000)
      await gql(ADD_MEMBERS, { input: { campaignId: createCampaign.id, contactIds: ids.slice(k, k + 1000) } });
  }
  bar.increment(contacts);
  // Journeys come from analytics' consumers: the page is settled once every contact's journey
  // has reached its current stage (no event left in flight when the seeding stack stops).
  await waitFor(
    'journeys of every contact',
    async () => {
      let after = null;
      for (;;) {
        const { contacts: page } = await gql(
          'query J($after: String) { contacts(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { lifecycleStage journey { currentStage } } } } }',
          { after },
        );
        if (page.edges.some((e) => e.node.journey?.currentStage !== e.node.lifecycleStage)) return false;
        if (!page.pageInfo.hasNextPage) return true;
        after = page.pageInfo.endCursor;
      }
    },
    { timeoutMs: 120_000, everyMs: 500 },
  );
  return ids;
}

/** Every cursor after which a whole page of 50 remains: one per request in workload (d). */
async function pageCursors(gql, contacts) {
  const cursors = [];
  let after = null;
  for (;;) {
    const { contacts: page } = await gql(
      'query K($after: String) { contacts(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor } } }',
      { after },
    );
    cursors.push(...page.edges.map((e) => e.cursor));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  progress(`${cursors.length} contacts paged`);
  return [null, ...cursors.slice(0, Math.max(1, contacts - 50))];
}

/** Every outbox sent and no consumer still working (its processed count unchanged for 0.5 s). */
async function settle(services) {
  let last = -1;
  await waitFor(
    'events to settle',
    async () => {
      let processed = 0;
      for (const svc of Object.values(services)) {
        const [{ unsent, done }] = await svc.db.query(
          'SELECT (SELECT count(*) FROM crm_outbox_pending)::int AS unsent, (SELECT count(*) FROM crm_processed_events)::int AS done',
        );
        if (unsent) return false;
        processed += done;
      }
      const stable = processed === last;
      last = processed;
      return stable;
    },
    { timeoutMs: 120_000, everyMs: 500 },
  );
}

/**
 * The bench tenant on `dbs`, seeded through the whole graph in this process, then that graph
 * stopped: its token, its contact ids and the cursors of workload (d).
 */
async function seedBenchTenant(dbs, jwtSecret, subgraphSecret, contacts) {
  const { startStack } = built('stack/dist/stack.js');
  const { createLogger } = built('packages/service-kit/dist/index.js');
  const { issueUserToken } = built('gateway/dist/auth.js');
  const stack = await startStack({
    databaseUrlFor: (s) => dbs.urlFor(s),
    jwtSecret,
    subgraphSecret,
    gatewayPort: 0,
    host: '127.0.0.1',
    logger: createLogger('bench', 'warn'),
  });
  const stopStack = onCleanup('stop the seeding stack', () => stack.stop(), 60_000);
  const tenantId = `gw_${randomId()}`;
  const token = await issueUserToken({ sub: 'bench', tid: tenantId, roles: ['admin'] }, jwtSecret, '2h');
  const gql = graphqlClient(stack.gatewayUrl, token);
  const bar = new cliProgress.SingleBar(
    { format: 'seeding [{bar}] {value}/{total}', clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(contacts * 3, 0);
  const ids = await seedTenant(gql, contacts, bar);
  bar.stop();
  const cursors = await pageCursors(gql, contacts);
  await settle(stack.services);
  await stopStack();
  return { tenantId, token, ids, cursors };
}

const body = (query, variables) => JSON.stringify({ query, variables });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The CPUs, their model and Node: what a report's figures were measured on. */
function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: os.availableParallelism(),
    model: (/model name\s*:\s*(.*)/.exec(cpuinfo) ?? [])[1] ?? os.cpus()[0]?.model,
    node: process.version,
  };
}

/** POST a GraphQL body; its `data`, or an error naming the URL and the first GraphQL error. */
async function post(url, headers, bodyText) {
  const res = await globalThis.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: bodyText });
  const json = await res.json();
  if (json.errors?.length) throw new Error(`${url}: ${json.errors[0].message}`);
  return json.data;
}

/** Every target gives the same `data` for the first, middle and last body of every workload (not the direct ones). */
async function verifyIdentical(targets, loads, token) {
  for (const load of loads.filter((l) => !l.direct)) {
    for (const b of [...new Set([load.bodies[0], load.bodies[Math.floor(load.bodies.length / 2)], load.bodies.at(-1)])]) {
      const [a, ...others] = await Promise.all(targets.map((t) => post(t.url, { authorization: `Bearer ${token}` }, b)));
      if (others.some((h) => JSON.stringify(a) !== JSON.stringify(h))) throw new Error(`${load.name}: the targets disagree`);
      if (!JSON.stringify(a).includes('"id"')) throw new Error(`${load.name}: empty answer`);
    }
  }
  progress(`${targets.map((t) => t.name).join(', ')} return identical data for every workload`);
}

module.exports = { NESTED, PAGE, DASHBOARD, CONTACT, LEADS_PAGE, seedBenchTenant, body, median, machine, post, verifyIdentical };
