import { startTestService, TestService } from '@crm/testing';
import type { DataSource } from 'typeorm';
import { createService } from '../../src/service';
import { DEFAULT_SCORING_RULES } from '../../src/domain/scoring';
import { captureLead, CaptureLeadInput } from '../../src/use-cases/capture';
import { importContacts, ImportResult } from '../../src/use-cases/import';

// importContacts against a real Postgres (called directly: the resolver is wired separately).
// Each test uses its own tenant; the database is the test file's own.
let leads: TestService;
let db: DataSource;
beforeAll(async () => {
  leads = await startTestService('leads_import', createService);
  db = leads.service.db;
});
afterAll(() => leads.stop());

const USER = 'importer-1';
const actor = (tenantId: string) => ({ tenantId, userId: USER });
const lines = (...rows: string[]) => `${rows.join('\n')}\n`;
const capture = (tenantId: string, input: CaptureLeadInput) => db.transaction((m) => captureLead(m, actor(tenantId), input));

const contactsOf = (tenantId: string) =>
  db.query(
    `SELECT c.email, c.first_name AS "firstName", c.last_name AS "lastName", c.job_title AS "jobTitle", c.phone, c.source, c.country,
            c.budget::int AS budget, c.lifecycle_stage AS stage, c.score, c.owner_id AS "ownerId", co.name AS company, co.domain
       FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
      WHERE c.tenant_id = $1 ORDER BY c.email COLLATE "C"`,
    [tenantId],
  );
const contactId = async (tenantId: string, email: string): Promise<string> =>
  (await db.query('SELECT id FROM contacts WHERE tenant_id = $1 AND email = $2', [tenantId, email]))[0]?.id;
/** Outbox rows of one contact, in publish order. */
const eventsOf = (id: string) =>
  db.query(
    `SELECT event_type AS type, payload->'data' AS data, payload->>'actor' AS actor FROM crm_outbox WHERE message_key = $1 ORDER BY seq`,
    [id],
  );
const typesOf = async (id: string) => (await eventsOf(id)).map((e: { type: string }) => e.type);
const historyOf = (id: string) =>
  db.query('SELECT from_stage AS "from", to_stage AS "to", reason, source, actor FROM stage_changes WHERE contact_id = $1 ORDER BY seq', [
    id,
  ]);
const touchesOf = async (id: string) =>
  (await db.query('SELECT source FROM contact_touches WHERE contact_id = $1 ORDER BY id', [id])).map((t: { source: string }) => t.source);
const countOf = async (sql: string, params: unknown[]) => Number((await db.query(sql, params))[0].n);
const tenantCounts = async (tenantId: string) => ({
  contacts: await countOf('SELECT count(*) AS n FROM contacts WHERE tenant_id = $1', [tenantId]),
  companies: await countOf('SELECT count(*) AS n FROM companies WHERE tenant_id = $1', [tenantId]),
  stageChanges: await countOf('SELECT count(*) AS n FROM stage_changes WHERE tenant_id = $1', [tenantId]),
  touches: await countOf('SELECT count(*) AS n FROM contact_touches WHERE tenant_id = $1', [tenantId]),
  // Domain events only: every mutation, refused or not, also writes its audit.recorded entry.
  events: await countOf(`SELECT count(*) AS n FROM crm_outbox WHERE payload->>'tenantId' = $1 AND event_type <> 'audit.recorded'`, [
    tenantId,
  ]),
});

describe('importContacts: rows, errors, counts', () => {
  test('good rows are created with their company, stage change, touch and events; bad rows are reported by row and field', async () => {
    const T = 'imp-basic';
    const result = await importContacts(
      db,
      actor(T),
      lines(
        'Email,First Name,Last Name,Company,Website,Company Size,Notes',
        'ada@example.com,Ada,Lovelace,Engines,engines.io,12,vip', // row 2
        'not-an-email,Bob,,,,,', // row 3
        'cy@example.com,Cy,,Acme,acme.io,-5,', // row 4
        ',Dee,,,,,', // row 5
        ',,,,,,', // row 6: blank, skipped
        '"eve@example.com","Eve ""E""",,Engines Ltd,https://www.Engines.io/about,,', // row 7
      ),
    );
    expect(result).toEqual<ImportResult>({
      created: 2,
      updated: 0,
      unchanged: 0,
      failed: 3,
      truncatedErrors: 0,
      ignoredColumns: ['Notes'],
      errors: [
        { row: 3, field: 'email', message: 'not-an-email is not a valid email address' },
        { row: 4, field: 'companySize', message: 'Company Size must be a non-negative integer, got "-5"' },
        { row: 5, field: 'email', message: 'Email is required' },
      ],
    });
    expect(await contactsOf(T)).toEqual([
      {
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        jobTitle: null,
        phone: null,
        source: 'import',
        country: null,
        budget: null,
        stage: 'LEAD',
        score: 5,
        ownerId: null,
        company: 'Engines',
        domain: 'engines.io',
      },
      {
        email: 'eve@example.com',
        firstName: 'Eve "E"',
        lastName: null,
        jobTitle: null,
        phone: null,
        source: 'import',
        country: null,
        budget: null,
        stage: 'LEAD',
        score: 5,
        ownerId: null,
        company: 'Engines',
        domain: 'engines.io',
      },
    ]);
    // Nothing of the invalid rows: no contact, and acme.io (row 4's company) was never created.
    expect(await db.query('SELECT name, domain, size FROM companies WHERE tenant_id = $1', [T])).toEqual([
      { name: 'Engines', domain: 'engines.io', size: 12 },
    ]);

    const ada = await contactId(T, 'ada@example.com');
    expect(await historyOf(ada)).toEqual([{ from: null, to: 'LEAD', reason: 'imported', source: 'IMPORT', actor: USER }]);
    expect(await touchesOf(ada)).toEqual(['import']);
    const events = await eventsOf(ada);
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'contact.created',
      'contact.lifecycle_stage_changed',
      'contact.score_changed',
    ]);
    expect(events[0]).toMatchObject({
      actor: USER,
      data: {
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        lifecycleStage: 'LEAD',
        source: 'import',
        ownerId: null,
        companyId: expect.any(String),
      },
    });
    expect(events[1].data).toMatchObject({ from: null, to: 'LEAD', reason: 'imported', source: 'IMPORT' });
    expect(events[2].data).toEqual({ previous: 0, score: 5, fit: 5, engagement: 0 });
    expect(await tenantCounts(T)).toEqual({ contacts: 2, companies: 1, stageChanges: 2, touches: 2, events: 6 });
  });

  test('an empty CSV, a header without an email column, a header only', async () => {
    const T = 'imp-header';
    for (const csv of ['', '   \n\n', '\ufeff']) {
      await expect(importContacts(db, actor(T), csv)).rejects.toMatchObject({
        message: 'The CSV is empty: expected a header row, then one row per contact',
        extensions: { code: 'BAD_USER_INPUT', field: 'csv' },
      });
    }
    await expect(importContacts(db, actor(T), lines('name,phone', 'Ada,123'))).rejects.toMatchObject({
      message: 'The header has no email column (found: "name", "phone")',
      extensions: { code: 'BAD_USER_INPUT', field: 'csv' },
    });
    await expect(importContacts(db, actor(T), lines('ada@example.com,Ada', 'bob@example.com,Bob'))).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'csv' },
    });
    expect(await importContacts(db, actor(T), 'email,first_name\n')).toEqual({
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
      truncatedErrors: 0,
      ignoredColumns: [],
    });
    expect((await tenantCounts(T)).contacts).toBe(0);
  });

  test('malformed CSV (an unclosed quote) is BAD_USER_INPUT naming the line, and nothing is written, even rows before it', async () => {
    const T = 'imp-malformed';
    const good = Array.from({ length: 30 }, (_, i) => `ok${i}@example.com,Ok`);
    const csv = lines('email,first_name', ...good, 'broken@example.com,"Bro', 'ken', 'after@example.com,After');
    const error = await importContacts(db, actor(T), csv, { chunkSize: 5 }).catch((e) => e);
    expect(error).toMatchObject({
      message: 'Malformed CSV: a quote opened in the record starting on line 32 is never closed',
      extensions: { code: 'BAD_USER_INPUT', field: 'csv', line: 32 },
    });
    expect(await tenantCounts(T)).toEqual({ contacts: 0, companies: 0, stageChanges: 0, touches: 0, events: 0 });

    // An unclosed quote early in a big file is caught before it swallows the whole file.
    const swallowed = lines(
      'email,first_name',
      'a@example.com,"A',
      ...Array.from({ length: 40_000 }, (_, i) => `x${i}@example.com,Xavier Someone`),
    );
    await expect(importContacts(db, actor(T), swallowed)).rejects.toMatchObject({
      message: 'Malformed CSV: the record starting on line 2 is longer than 1000000 characters (an unclosed quote?)',
      extensions: { code: 'BAD_USER_INPUT', field: 'csv', line: 2 },
    });
    expect((await tenantCounts(T)).contacts).toBe(0);
  });

  test('row numbers are spreadsheet rows: a multi-line quoted cell is one row, blank lines are rows', async () => {
    const T = 'imp-rows';
    const result = await importContacts(
      db,
      actor(T),
      lines('email,job_title', 'a@x.io,"Head of', 'Things"', '', 'bad-1,X', 'b@x.io,', 'bad-2,Y'),
    );
    expect(result.errors.map((e) => e.row)).toEqual([4, 6]);
    expect(await contactsOf(T)).toMatchObject([{ email: 'a@x.io', jobTitle: 'Head of Things' }, { email: 'b@x.io' }]);
  });

  test('characters outside the BMP survive the parser being fed in slices', async () => {
    const T = 'imp-emoji';
    // The emoji's two UTF-16 units straddle the first 64 K slice boundary (index 65535).
    const header = 'email,notes,first_name\n';
    const before = `${header}a@x.io,`;
    const csv = `${before}${'n'.repeat(65_535 - before.length - 1)},😀 Ann\nb@x.io,,Zoë 🚀\n`;
    expect(csv.charCodeAt(65_535)).toBe(0xd83d);
    expect(await importContacts(db, actor(T), csv)).toMatchObject({ created: 2, failed: 0, ignoredColumns: ['notes'] });
    expect((await contactsOf(T)).map((c: { firstName: string }) => c.firstName)).toEqual(['😀 Ann', 'Zoë 🚀']);
  });

  test('semicolons, a BOM and CRLF line ends (a European spreadsheet export)', async () => {
    const T = 'imp-excel';
    const result = await importContacts(db, actor(T), '\ufeffE-Mail;Prénom;Nom;Country\r\nzoe@exemple.fr;Zoé;Martin;fr\r\n');
    expect(result).toMatchObject({ created: 1, failed: 0, ignoredColumns: ['Prénom', 'Nom'] });
    expect(await contactsOf(T)).toMatchObject([{ email: 'zoe@exemple.fr', country: 'FR', firstName: null }]);
  });

  test('errors are capped at 1,000, in row order, with the rest counted', async () => {
    const T = 'imp-cap';
    const rows = Array.from({ length: 1_500 }, (_, i) => (i % 2 ? `bad-${i}` : `b${i}@x.io,-1`));
    const result = await importContacts(db, actor(T), lines('email,company_size', ...rows), { chunkSize: 400 });
    expect(result).toMatchObject({ created: 0, failed: 1_500, truncatedErrors: 500 });
    expect(result.errors).toHaveLength(1_000);
    expect(result.errors[0]).toEqual({ row: 2, field: 'companySize', message: 'company_size must be a non-negative integer, got "-1"' });
    expect(result.errors.map((e) => e.row)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 2));
  });
});

describe('importContacts: dedupe within the file and against the database', () => {
  test.each([1_000, 2])('fill empty fields in file order, never overwrite, never blank (chunkSize %p)', async (chunkSize) => {
    const T = `imp-dedupe-${chunkSize}`;
    const known = await capture(T, { email: 'known@acme.io', firstName: 'Known', source: 'api' });
    const other = await capture('imp-dedupe-other', { email: 'new@acme.io', firstName: 'Elsewhere' });
    const csv = lines(
      'email,first_name,last_name,job_title,phone,source',
      'KNOWN@acme.io,Other,Person,,,', // row 2: lastName filled; firstName and source kept
      'new@acme.io,New,,,,', // row 3: created
      'new@acme.io,Renamed,Later,Engineer,,', // row 4: lastName, jobTitle filled; firstName kept
      'new@acme.io,,,,,', // row 5: nothing new
      'known@acme.io,,Person,,,', // row 6: nothing new (row 2 set lastName)
      '" New@Acme.io ",,,,+1 555,', // row 7: phone filled
    );
    const result = await importContacts(db, actor(T), csv, { chunkSize });
    expect(result).toEqual({ created: 1, updated: 3, unchanged: 2, failed: 0, errors: [], truncatedErrors: 0, ignoredColumns: [] });
    expect(await contactsOf(T)).toMatchObject([
      { email: 'known@acme.io', firstName: 'Known', lastName: 'Person', jobTitle: null, source: 'api' },
      { email: 'new@acme.io', firstName: 'New', lastName: 'Later', jobTitle: 'Engineer', phone: '+1 555', source: 'import' },
    ]);

    const created = await contactId(T, 'new@acme.io');
    const events = await eventsOf(created);
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'contact.created',
      'contact.lifecycle_stage_changed',
      'contact.updated',
      'contact.updated',
    ]);
    expect(events[0].data).toMatchObject({ firstName: 'New', lastName: null });
    expect(events[2].data).toEqual({ changedFields: ['lastName', 'jobTitle'], values: { lastName: 'Later', jobTitle: 'Engineer' } });
    expect(events[3].data).toEqual({ changedFields: ['phone'], values: { phone: '+1 555' } });
    expect(await historyOf(created)).toEqual([{ from: null, to: 'LEAD', reason: 'imported', source: 'IMPORT', actor: USER }]);
    expect(await touchesOf(created)).toEqual(['import', 'import', 'import', 'import']);

    const knownEvents = await eventsOf(known.id);
    expect(knownEvents.map((e: { type: string }) => e.type)).toEqual([
      'contact.created',
      'contact.lifecycle_stage_changed',
      'contact.updated',
    ]);
    expect(knownEvents[2].data).toEqual({ changedFields: ['lastName'], values: { lastName: 'Person' } });
    expect(await historyOf(known.id)).toHaveLength(1); // captured: no second stage change
    expect(await touchesOf(known.id)).toEqual(['api', 'import', 'import']);
    const [{ version }] = await db.query('SELECT version FROM contacts WHERE id = $1', [known.id]);
    expect(version).toBeGreaterThan(known.version);

    // Another tenant's contact with the same email is another contact, untouched.
    expect(await contactsOf('imp-dedupe-other')).toMatchObject([{ email: 'new@acme.io', firstName: 'Elsewhere', lastName: null }]);
    expect(await typesOf(other.id)).toEqual(['contact.created', 'contact.lifecycle_stage_changed']);

    // The same file again changes nothing but the touches.
    const before = await tenantCounts(T);
    const again = await importContacts(db, actor(T), csv, { chunkSize });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 6, failed: 0 });
    expect(await tenantCounts(T)).toEqual({ ...before, touches: before.touches + 6 });
  });

  test('companies: matched by domain, else by name (case-insensitively); an existing company is not changed', async () => {
    const T = 'imp-companies';
    await capture(T, { email: 'first@acme.io', companyName: 'Acme Inc', companyDomain: 'acme.io', industry: 'Retail' });
    await capture(T, { email: 'first@globex.com', companyName: 'Globex' });
    const result = await importContacts(
      db,
      actor(T),
      lines(
        'email,company,domain,industry,company_size',
        'a@acme.io,ACME Renamed,http://www.acme.io/,Software,500', // existing by domain: kept as is
        'b@globex.com,globex,,,', // existing by name
        'c@initech.com,Initech,,Software,50', // new by name
        'd@initech.com,INITECH,,,', // same new company (name, case-insensitively)
        'e@hooli.xyz,,hooli.xyz,,', // new by domain, named after it
        'f@hooli.xyz,Hooli,hooli.xyz,,', // same
      ),
      { chunkSize: 3 },
    );
    expect(result).toMatchObject({ created: 6, failed: 0 });
    expect(
      await db.query('SELECT name, domain, industry, size FROM companies WHERE tenant_id = $1 ORDER BY lower(name) COLLATE "C"', [T]),
    ).toEqual([
      { name: 'Acme Inc', domain: 'acme.io', industry: 'Retail', size: null },
      { name: 'Globex', domain: null, industry: null, size: null },
      { name: 'hooli.xyz', domain: 'hooli.xyz', industry: null, size: null },
      { name: 'Initech', domain: null, industry: 'Software', size: 50 },
    ]);
    expect((await contactsOf(T)).map((c: { email: string; company: string }) => [c.email, c.company])).toEqual([
      ['a@acme.io', 'Acme Inc'],
      ['b@globex.com', 'Globex'],
      ['c@initech.com', 'Initech'],
      ['d@initech.com', 'Initech'],
      ['e@hooli.xyz', 'hooli.xyz'],
      ['f@hooli.xyz', 'hooli.xyz'],
      ['first@acme.io', 'Acme Inc'],
      ['first@globex.com', 'Globex'],
    ]);
  });
});

describe('importContacts: captureLead rules (lifecycle, scoring, assignment)', () => {
  test('each row ends as captureLead would leave it: same contact, same stage history, same event sequence', async () => {
    const inputs: CaptureLeadInput[] = [
      // fit 25 (CEO) + 20 (software) + 20 (5000 people) + 20 (budget) = 85: reaches MQL
      {
        email: 'ceo@big.io',
        firstName: 'Bea',
        jobTitle: 'CEO',
        companyName: 'Big',
        companyDomain: 'big.io',
        industry: 'Software',
        companySize: 5000,
        budget: 200000,
        country: 'de',
        source: 'partner',
      },
      { email: 'plain@small.io', firstName: 'Pat', lastName: 'Plain', phone: '+33 1', source: 'Partner' },
      { email: 'anon@track.io', source: 'visit' },
    ];
    const header = 'email,first_name,last_name,job_title,phone,company_name,company_domain,industry,company_size,country,budget,source';
    const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
    const csv = lines(
      header,
      ...inputs.map((i) =>
        [
          i.email,
          i.firstName,
          i.lastName,
          i.jobTitle,
          i.phone,
          i.companyName,
          i.companyDomain,
          i.industry,
          i.companySize,
          i.country,
          i.budget,
          i.source,
        ]
          .map(cell)
          .join(','),
      ),
    );
    expect(await importContacts(db, actor('imp-parity-i'), csv)).toMatchObject({ created: 3, failed: 0 });
    for (const input of inputs) await capture('imp-parity-c', input);

    expect(await contactsOf('imp-parity-i')).toEqual(await contactsOf('imp-parity-c'));
    for (const { email } of inputs) {
      const [imported, captured] = [await contactId('imp-parity-i', email), await contactId('imp-parity-c', email)];
      expect(await typesOf(imported)).toEqual(await typesOf(captured));
      const asCaptured = (await historyOf(imported)).map((h: Record<string, unknown>) =>
        h.source === 'IMPORT' ? { ...h, reason: 'captured', source: 'API' } : h,
      );
      expect(asCaptured).toEqual(await historyOf(captured));
    }
    const ceo = await contactId('imp-parity-i', 'ceo@big.io');
    expect(await historyOf(ceo)).toEqual([
      { from: null, to: 'LEAD', reason: 'imported', source: 'IMPORT', actor: USER },
      { from: 'LEAD', to: 'MQL', reason: 'Score 85 reached the MQL threshold 50', source: 'RULE', actor: USER },
    ]);
    expect(await contactsOf('imp-parity-i')).toMatchObject([
      { email: 'anon@track.io', stage: 'VISITOR' },
      { email: 'ceo@big.io', stage: 'MQL', score: 85, country: 'DE', budget: 200000 },
      { email: 'plain@small.io', stage: 'LEAD', source: 'partner' },
    ]);
  });

  test('a known visitor in an imported list is identified: VISITOR -> LEAD, counted as updated', async () => {
    const T = 'imp-visitor';
    const visitor = await capture(T, { email: 'v@x.io', source: 'tracking' });
    const result = await importContacts(db, actor(T), lines('email,source', 'v@x.io,Newsletter'));
    expect(result).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(await historyOf(visitor.id)).toEqual([
      { from: null, to: 'VISITOR', reason: 'captured', source: 'API', actor: USER },
      { from: 'VISITOR', to: 'LEAD', reason: 'identified (newsletter)', source: 'IMPORT', actor: USER },
    ]);
    expect(await typesOf(visitor.id)).toEqual(['contact.created', 'contact.lifecycle_stage_changed', 'contact.lifecycle_stage_changed']);
    expect(await contactsOf(T)).toMatchObject([{ stage: 'LEAD', source: 'tracking' }]);
  });

  test('filling a scoring field of a known contact rescores it (with its engagements) and can make it an MQL', async () => {
    const T = 'imp-rescore';
    const known = await capture(T, { email: 'k@x.io', source: 'web_form' }); // a form fill: 10 engagement points
    expect(known.score).toBe(10);
    const result = await importContacts(db, actor(T), lines('email,job_title,budget', 'k@x.io,VP Sales,100000'));
    expect(result).toMatchObject({ updated: 1 });
    expect(await contactsOf(T)).toMatchObject([{ score: 50, stage: 'MQL' }]); // 20 + 20 + 10
    const events = await eventsOf(known.id);
    expect(events.slice(-3).map((e: { type: string; data: { changedFields?: string[] } }) => [e.type, e.data.changedFields])).toEqual([
      ['contact.updated', ['jobTitle', 'budget']],
      ['contact.score_changed', undefined],
      ['contact.lifecycle_stage_changed', undefined],
    ]);
  });

  test('owners are assigned on capture by the tenant rule, round-robin in row order across chunks', async () => {
    const T = 'imp-assign';
    await db.query(
      `INSERT INTO lead_settings (tenant_id, scoring_rules, assignment_rule, assign_on) VALUES ($1, $2::jsonb, $3::jsonb, 'CAPTURE')`,
      [T, JSON.stringify(DEFAULT_SCORING_RULES), JSON.stringify({ kind: 'ROUND_ROBIN', userIds: ['u1', 'u2', 'u3'] })],
    );
    const known = await capture(T, { email: 'known@x.io' }); // takes u1
    const rows = ['known@x.io', ...['a', 'b', 'c', 'd', 'e'].map((n) => `${n}@x.io`)];
    const result = await importContacts(db, actor(T), lines('email', ...rows), { chunkSize: 2 });
    expect(result).toMatchObject({ created: 5, unchanged: 1 });
    expect((await contactsOf(T)).map((c: { email: string; ownerId: string }) => [c.email, c.ownerId])).toEqual([
      ['a@x.io', 'u2'],
      ['b@x.io', 'u3'],
      ['c@x.io', 'u1'],
      ['d@x.io', 'u2'],
      ['e@x.io', 'u3'],
      ['known@x.io', 'u1'],
    ]);
    const [{ assignment_cursor }] = await db.query('SELECT assignment_cursor FROM lead_settings WHERE tenant_id = $1', [T]);
    expect(assignment_cursor).toBe(6);
    expect(await typesOf(await contactId(T, 'a@x.io'))).toEqual(['contact.created', 'contact.lifecycle_stage_changed', 'contact.updated']);
    expect(await typesOf(known.id)).toEqual(['contact.created', 'contact.lifecycle_stage_changed', 'contact.updated']);
  });
});

describe('importContacts: all or nothing per row', () => {
  // A rule the database enforces and the import does not check (a DBA's constraint): rows that
  // break it fail in the chunk's statement; the chunk is retried row by row.
  const CONSTRAINT = 'test_phone_has_digit';
  beforeAll(() => db.query(`ALTER TABLE contacts ADD CONSTRAINT ${CONSTRAINT} CHECK (phone IS NULL OR phone ~ '[0-9]') NOT VALID`));
  afterAll(() => db.query(`ALTER TABLE contacts DROP CONSTRAINT ${CONSTRAINT}`));
  const refused = (row: number) => ({
    row,
    field: null,
    message: `The row could not be saved: new row for relation "contacts" violates check constraint "${CONSTRAINT}"`,
  });

  test('a row the database refuses is not applied at all (contact, company, stage change, touch, events); its chunk-mates are', async () => {
    const T = 'imp-fail';
    const known = await capture(T, { email: 'known@ok.io', firstName: 'Known' });
    const before = await tenantCounts(T);
    const result = await importContacts(
      db,
      actor(T),
      lines(
        'email,first_name,last_name,phone,company,website',
        'a@ok.io,A,,+1 1,OkCo,ok.io', // row 2
        'bad@new.io,B,,n/a,NewCo,newco.io', // row 3: refused; its company must not remain
        'known@ok.io,,Known,call me,,', // row 4: refused update of a known contact
        'a@ok.io,,Later,,,', // row 5: fills a@ok.io's last name
        'c@ok.io,C,,+1 3,OkCo,ok.io', // row 6
      ),
    );
    expect(result).toEqual({
      created: 2,
      updated: 1,
      unchanged: 0,
      failed: 2,
      errors: [refused(3), refused(4)],
      truncatedErrors: 0,
      ignoredColumns: [],
    });
    expect(await contactsOf(T)).toMatchObject([
      { email: 'a@ok.io', firstName: 'A', lastName: 'Later', phone: '+1 1', company: 'OkCo' },
      { email: 'c@ok.io', firstName: 'C', phone: '+1 3', company: 'OkCo' },
      { email: 'known@ok.io', firstName: 'Known', lastName: null, phone: null },
    ]);
    expect(await db.query('SELECT domain FROM companies WHERE tenant_id = $1', [T])).toEqual([{ domain: 'ok.io' }]);
    expect(await typesOf(known.id)).toEqual(['contact.created', 'contact.lifecycle_stage_changed']);
    expect(await touchesOf(known.id)).toEqual([null]);
    const a = await contactId(T, 'a@ok.io');
    expect(await typesOf(a)).toEqual(['contact.created', 'contact.lifecycle_stage_changed', 'contact.updated']);
    expect(await tenantCounts(T)).toEqual({
      contacts: before.contacts + 2,
      companies: before.companies + 1,
      stageChanges: before.stageChanges + 2,
      touches: before.touches + 3,
      events: before.events + 5,
    });
  });

  test('in a large import, only the refused rows fail, whichever chunk they are in', async () => {
    const T = 'imp-fail-many';
    const rows = Array.from({ length: 1_200 }, (_, i) => `p${i}@x.io,${[150, 777].includes(i) ? 'none' : `+${i}`}`);
    const result = await importContacts(db, actor(T), lines('email,phone', ...rows), { chunkSize: 100 });
    expect(result).toMatchObject({ created: 1_198, updated: 0, unchanged: 0, failed: 2, errors: [refused(152), refused(779)] });
    expect(await tenantCounts(T)).toMatchObject({ contacts: 1_198, stageChanges: 1_198, touches: 1_198, events: 2 * 1_198 });
  });
});

describe("importContacts: an error that is not a row's fault", () => {
  test('aborts the import: the rows before it stay, nothing after it is written, not even the chunk read meanwhile', async () => {
    const T = 'imp-abort';
    // A fault of the database, not of the row (SQLSTATE 58000), on one address of this tenant.
    await db.query(`CREATE FUNCTION imp_abort_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.tenant_id = 'imp-abort' AND NEW.email = 'p150@x.io' THEN RAISE EXCEPTION 'disk on fire' USING ERRCODE = '58000'; END IF;
        RETURN NEW;
      END $$`);
    await db.query('CREATE TRIGGER imp_abort_fault BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION imp_abort_fault()');
    try {
      const rows = Array.from({ length: 350 }, (_, i) => `p${i}@x.io`);
      const progress: number[] = [];
      await expect(
        importContacts(db, actor(T), lines('email', ...rows), { chunkSize: 100, onProgress: (n) => progress.push(n) }),
      ).rejects.toThrow('disk on fire');
      // Chunk 1 committed; chunk 2 retried row by row up to the fault; chunks 3 and 4 never applied.
      const written = (await db.query('SELECT email FROM contacts WHERE tenant_id = $1', [T])).map((r: { email: string }) => r.email);
      expect(written.sort()).toEqual(rows.slice(0, 150).sort());
      expect(progress).toEqual([100]);
      expect(await tenantCounts(T)).toEqual({ contacts: 150, companies: 0, stageChanges: 150, touches: 150, events: 300 });
    } finally {
      await db.query('DROP TRIGGER imp_abort_fault ON contacts');
      await db.query('DROP FUNCTION imp_abort_fault()');
    }
  });
});

describe('importContacts: scale and concurrency', () => {
  test('5,000 rows: exact counts, per-chunk progress, one set of rows per contact', async () => {
    const T = 'imp-5k';
    const rows: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      if (i % 100 === 99) rows.push(i % 200 === 99 ? `bad-email-${i},,co${i % 250}.io,` : `u${i}@co.io,,co${i % 250}.io,-1`);
      else if (i % 100 === 98)
        rows.push(`U${i - 50}@co.io,Manager,,`); // fills the job title of row i-50: updated
      else if (i % 100 === 97)
        rows.push(`u${i - 40}@co.io,,co${(i - 40) % 250}.io,`); // nothing new: unchanged
      else rows.push(`u${i}@co.io,,co${i % 250}.io,${i % 7}`);
    }
    const progress: number[] = [];
    const result = await importContacts(db, actor(T), lines('email,job_title,website,company_size', ...rows), {
      onProgress: (n) => progress.push(n),
    });
    expect(result).toMatchObject({ created: 4_850, updated: 50, unchanged: 50, failed: 50, truncatedErrors: 0 });
    expect(result.errors).toHaveLength(50);
    expect(result.errors[0]).toEqual({ row: 101, field: 'email', message: 'bad-email-99 is not a valid email address' });
    expect(result.errors[1]).toEqual({ row: 201, field: 'companySize', message: 'company_size must be a non-negative integer, got "-1"' });
    expect(progress).toEqual([1_000, 2_000, 3_000, 4_000, 5_000]);
    expect(await tenantCounts(T)).toEqual({
      contacts: 4_850,
      companies: 250,
      stageChanges: 4_850,
      touches: 4_950,
      events: expect.any(Number),
    });
    const byType = await db.query(
      `SELECT event_type AS type, count(*)::int AS n FROM crm_outbox WHERE payload->>'tenantId' = $1 AND event_type <> 'audit.recorded' GROUP BY 1 ORDER BY 1`,
      [T],
    );
    // score_changed: the 50 managers (+10), and every contact whose company is 11+ people... none (sizes 0-6).
    expect(byType).toEqual([
      { type: 'contact.created', n: 4_850 },
      { type: 'contact.lifecycle_stage_changed', n: 4_850 },
      { type: 'contact.score_changed', n: 50 },
      { type: 'contact.updated', n: 50 },
    ]);
  });

  test('concurrent captureLead calls for emails in the file: no error, one contact per email', async () => {
    const T = 'imp-race';
    const emails = Array.from({ length: 2_000 }, (_, i) => `r${i}@race.io`);
    const importing = importContacts(db, actor(T), lines('email,first_name', ...emails.map((e) => `${e},FromFile`)), { chunkSize: 250 });
    const captures = Promise.all(
      Array.from({ length: 60 }, (_, k) => capture(T, { email: emails[(k * 37) % emails.length], lastName: 'FromApi', source: 'api' })),
    );
    const [result] = await Promise.all([importing, captures]);
    expect(result.failed).toBe(0);
    expect(result.created + result.updated + result.unchanged).toBe(2_000);
    const [{ n, distinct }] = await db.query(
      'SELECT count(*)::int AS n, count(DISTINCT email)::int AS distinct FROM contacts WHERE tenant_id = $1',
      [T],
    );
    expect({ n, distinct }).toEqual({ n: 2_000, distinct: 2_000 });
    const raced = await contactsOf(T).then((all) => all.filter((c: { lastName: string }) => c.lastName === 'FromApi'));
    expect(raced.length).toBeGreaterThan(0);
    for (const c of raced) expect(c.firstName).toBe('FromFile'); // whoever came first, the other only filled
    expect(await countOf(`SELECT count(*) AS n FROM stage_changes WHERE tenant_id = $1`, [T])).toBe(2_000);
  });
});
