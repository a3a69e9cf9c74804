// CSV import: importContacts over a generated file of BENCH_IMPORT_ROWS rows (default 100,000)
// with ~5,000 companies, ~2% duplicate emails (half of them bring a new field) and 1% invalid
// rows, into the leads service started in this process on a fresh database (in-process events;
// its outbox relay publishes while the import runs, as in production).
//
// Prints rows/s (the whole call: both parse passes, validation, writes, events), how long until
// the relay has published every event, the CPU of this process and of Postgres and the WAL
// written until then (steadier than the wall time on a busy machine), the process RSS before
// and after and its peak (and the JS heap's, sampled every 50 ms), and the counts, which must
// match the generator's. BENCH_IMPORT_CHUNK overrides the chunk size (default: the import's, 1,000).
const cliProgress = require('cli-progress');
const { Buffer } = require('node:buffer');
const timers = require('node:timers');
const {
  built,
  progress,
  main,
  now,
  intEnv,
  checkPostgres,
  benchDatabases,
  onCleanup,
  waitFor,
  stopAndDrop,
  printMetrics,
  fmt,
  fmtInt,
  mb,
  memory,
} = require('./lib');

const N_ROWS = intEnv('BENCH_IMPORT_ROWS', 100_000);
const CHUNK = process.env.BENCH_IMPORT_CHUNK ? intEnv('BENCH_IMPORT_CHUNK', 1_000) : undefined;
const N_COMPANIES = 5_000;
const SAMPLE_MS = 50;

const { createService } = built('services/leads/dist/service.js');
const { importContacts } = built('services/leads/dist/use-cases/import.js');
const { COUNT_UNSENT_SQL, InProcessTransport } = built('packages/events/dist/index.js');
const { createLogger } = built('packages/service-kit/dist/index.js');
const { cpuSecondsOfAll } = require('./lib/processes');

const FIRST = ['Ada', 'Grace', 'Alan', 'Zoé', 'Linus', 'Margaret', 'Søren', 'Hedy', 'Tim', 'Barbara'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Martin', 'Torvalds', 'Hamilton', 'Kierkegaard', 'Lamarr', 'Berners-Lee', 'Liskov'];
const TITLES = ['CEO', 'CTO', 'VP Sales', 'Head of Marketing', 'Sales Director', 'Account Manager', 'Engineer', 'Analyst', 'Intern', ''];
const INDUSTRIES = ['Software', 'SaaS', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Education', ''];
const COUNTRIES = ['FR', 'de', 'US', 'gb', 'ES', ''];
const SOURCES = ['trade show', 'partner', 'webinar', ''];

/**
 * The CSV and what importing it must give. Row i (0-based data row):
 * - i % 100 == 42: invalid (bad email, negative company size or bad country, in turn);
 * - i % 50 == 7 and i >= 1000: the email of row i - 997 again (an original, maybe in the
 *   previous chunk); when i % 100 == 7 it brings a phone (updated), else nothing new (unchanged);
 * - otherwise a new contact at company co<i % 5000>.example.
 */
function generate(n) {
  const expected = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const lines = ['email,first_name,last_name,job_title,phone,company,website,industry,company_size,country,budget,source'];
  const company = (k) => [`Company ${k}`, `https://www.co${k}.example/`, INDUSTRIES[k % INDUSTRIES.length], String((k * 37) % 3000)];
  for (let i = 0; i < n; i++) {
    const k = i % N_COMPANIES;
    if (i % 100 === 42) {
      expected.failed++;
      const kind = ((i / 100) % 3) | 0;
      const email = kind === 0 ? `broken-${i}.example` : `user${i}@co${k}.example`;
      lines.push(
        [email, 'Bad', 'Row', '', '', ...company(k).slice(0, 3), kind === 1 ? '-5' : '10', kind === 2 ? 'France' : 'FR', '', ''].join(','),
      );
    } else if (i % 50 === 7 && i >= 1000) {
      const j = i - 997;
      if (i % 100 === 7) {
        expected.updated++;
        lines.push(
          [`USER${j}@co${j % N_COMPANIES}.example`, '', '', '', `+33 1 ${String(i).padStart(8, '0')}`, '', '', '', '', '', '', ''].join(
            ',',
          ),
        );
      } else {
        expected.unchanged++;
        lines.push([`user${j}@co${j % N_COMPANIES}.example`, FIRST[j % FIRST.length], '', '', '', '', '', '', '', '', '', ''].join(','));
      }
    } else {
      expected.created++;
      lines.push(
        [
          `user${i}@co${k}.example`,
          FIRST[i % FIRST.length],
          LAST[(i >> 3) % LAST.length],
          TITLES[i % TITLES.length],
          '',
          ...company(k),
          COUNTRIES[i % COUNTRIES.length],
          i % 4 === 0 ? String((i % 20) * 10_000) : '',
          SOURCES[i % SOURCES.length],
        ].join(','),
      );
    }
  }
  return { csv: `${lines.join('\n')}\n`, expected };
}

main('import.bench', async () => {
  await checkPostgres();
  const dbs = benchDatabases('import');
  const transport = new InProcessTransport();
  progress('starting the leads service on a fresh database');
  const service = await createService({
    port: 0,
    databaseUrl: dbs.urlFor('leads'),
    subgraphSecret: 'x'.repeat(32),
    transport,
    logger: createLogger('bench', 'warn'),
  });
  transport.open();
  const stopService = onCleanup('stop the leads service', async () => {
    await service.stop();
    await transport.close();
  });

  progress(`generating a ${fmtInt(N_ROWS)}-row CSV`);
  const { csv, expected } = generate(N_ROWS);
  progress(`CSV: ${mb(Buffer.byteLength(csv))} of UTF-8; expected ${JSON.stringify(expected)}`);

  const tenantId = 'bench-import';
  const actor = { tenantId, userId: 'bench' };
  await service.ensureTenant(tenantId);

  // Memory: sampled every 50 ms while the import runs (the peak includes the CSV string itself).
  const before = process.memoryUsage();
  const rssBefore = before.rss;
  let peakRss = rssBefore;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sampler = timers.setInterval(sample, SAMPLE_MS);

  const bar = new cliProgress.SingleBar(
    {
      format: 'import [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | {duration_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  // The work, besides the wall time (which moves with whatever else the machine does): the CPU
  // of this process and of Postgres (all its processes), and the WAL Postgres wrote.
  const walLsn = async () => (await service.db.query('SELECT pg_current_wal_lsn()::text AS lsn'))[0].lsn;
  // Every run starts from a checkpoint, so none pays for one that earlier runs made due (the
  // WAL of the runs before it): the runs compare. Needs a superuser; skipped otherwise.
  await service.db.query('CHECKPOINT').catch(() => progress('CHECKPOINT refused (not a superuser): runs may pay for earlier ones'));
  const walBefore = await walLsn();
  const pgCpuBefore = cpuSecondsOfAll('postgres');
  const cpuBefore = process.cpuUsage();
  const t0 = now();
  bar.start(N_ROWS, 0, { rate: '-' });
  let result;
  try {
    result = await importContacts(service.db, actor, csv, {
      chunkSize: CHUNK,
      onProgress: (rowsDone) => bar.update(rowsDone, { rate: fmtInt(rowsDone / ((now() - t0) / 1000)) }),
    });
  } finally {
    bar.stop();
    timers.clearInterval(sampler);
  }
  const seconds = (now() - t0) / 1000;
  // The relay publishes while the import runs; what it has not caught up with is part of the
  // cost too: the work is counted until every event is published.
  const [{ n: backlog }] = await service.db.query(COUNT_UNSENT_SQL);
  await waitFor('every event published', async () => (await service.db.query(COUNT_UNSENT_SQL))[0].n === 0, {
    timeoutMs: 600_000,
    everyMs: 50,
  });
  const published = (now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const pgCpu = cpuSecondsOfAll('postgres') - pgCpuBefore;
  const [{ wal }] = await service.db.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 AS wal', [walBefore]);
  sample();
  const rssAfter = process.memoryUsage().rss;

  const [db] = await service.db.query(
    `SELECT (SELECT count(*) FROM contacts WHERE tenant_id = $1)::int AS contacts,
            (SELECT count(*) FROM companies WHERE tenant_id = $1)::int AS companies,
            (SELECT count(*) FROM stage_changes WHERE tenant_id = $1)::int AS "stageChanges",
            (SELECT count(*) FROM contact_touches WHERE tenant_id = $1)::int AS touches,
            (SELECT count(*) FROM crm_outbox)::int AS events,
            (SELECT count(*) FROM contacts WHERE tenant_id = $1 AND lifecycle_stage = 'MQL')::int AS mql`,
    [tenantId],
  );

  process.stdout.write('\n');
  printMetrics(
    `import bench (${fmtInt(N_ROWS)} rows, chunk ${CHUNK ?? 'default'})`,
    ['value'],
    [
      ['rows/s (whole importContacts call)', fmtInt(N_ROWS / seconds)],
      ['import time (s)', fmt(seconds, 2)],
      ['events not yet published when the import returned', fmtInt(backlog)],
      ['every event published (s after the start)', fmt(published, 2)],
      ['CPU until then: this process / Postgres (s)', `${fmt((cpu.user + cpu.system) / 1e6, 1)} / ${fmt(pgCpu, 1)}`],
      ['WAL written until then', mb(wal)],
      ['RSS before the import', mb(rssBefore)],
      [`peak RSS during the import (sampled every ${SAMPLE_MS} ms)`, mb(peakRss)],
      ['RSS after the import', mb(rssAfter)],
      ['peak RSS - RSS before', mb(peakRss - rssBefore)],
      ['process peak RSS (getrusage, whole run)', mb(memory().peakRss)],
      ['JS heap used: before / peak during the import', `${mb(before.heapUsed)} / ${mb(peakHeap)}`],
      [
        'created / updated / unchanged / failed',
        `${fmtInt(result.created)} / ${fmtInt(result.updated)} / ${fmtInt(result.unchanged)} / ${fmtInt(result.failed)}`,
      ],
      ['row errors returned / truncated', `${fmtInt(result.errors.length)} / ${fmtInt(result.truncatedErrors)}`],
      ['contacts / companies in the database', `${fmtInt(db.contacts)} / ${fmtInt(db.companies)}`],
      ['stage changes / touches / outbox events', `${fmtInt(db.stageChanges)} / ${fmtInt(db.touches)} / ${fmtInt(db.events)}`],
      ['contacts that reached MQL by fit score', fmtInt(db.mql)],
    ],
  );

  const got = { created: result.created, updated: result.updated, unchanged: result.unchanged, failed: result.failed };
  if (JSON.stringify(got) !== JSON.stringify(expected) || db.contacts !== expected.created) {
    throw new Error(
      `counts differ from the generator's: got ${JSON.stringify(got)} (${db.contacts} contacts), expected ${JSON.stringify(expected)}`,
    );
  }

  await stopAndDrop('the leads service', stopService, dbs, 'service stopped, database dropped');
});
