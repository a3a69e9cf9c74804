import { startTestService, TestService, withStatements } from '@crm/testing';
import { createService } from '../../src/service';

let leads: TestService;
beforeAll(async () => {
  leads = await startTestService('leads_contacts', createService);
});
afterAll(() => leads.stop());

const CONTACT =
  'id email firstName lastName jobTitle phone source lifecycleStage score ownerId country budget version company { id name domain industry size }';
const capture = `mutation($input: CaptureLeadInput!) { captureLead(input: $input) { ${CONTACT} } }`;
const update = `mutation($input: UpdateContactInput!) { updateContact(input: $input) { ${CONTACT} } }`;
const merge = `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) { ${CONTACT} stageHistory { from to } } }`;
const list = `query($filter: ContactFilter, $first: Int, $after: String) {
  contacts(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { email } } pageInfo { hasNextPage endCursor } }
}`;

async function captured(tenantId: string, input: Record<string, unknown>) {
  const res = await leads.call<{ captureLead: Record<string, any> }>(capture, { input }, { tenantId });
  expect(res.errors).toBeUndefined();
  return res.data!.captureLead;
}
const outbox = (id: string) =>
  leads.service.db.query(`SELECT event_type AS type, payload->'data' AS data FROM crm_outbox WHERE message_key = $1 ORDER BY seq`, [id]);

describe('captureLead', () => {
  test('fills empty fields, never overwrites or blanks, records every touch; company matched by domain', async () => {
    const first = await captured('cap', {
      email: 'Lin@Acme.io',
      firstName: 'Lin',
      companyName: 'Acme',
      companyDomain: 'https://www.acme.io/',
      industry: 'Software',
      companySize: 120,
      source: 'api',
    });
    const second = await captured('cap', {
      email: ' lin@acme.io ',
      firstName: 'Linda',
      lastName: 'Chen',
      jobTitle: '',
      phone: '+1 555',
      companyDomain: 'acme.io',
      source: 'form',
    });
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({
      email: 'lin@acme.io',
      firstName: 'Lin',
      lastName: 'Chen',
      phone: '+1 555',
      jobTitle: null,
      source: 'api',
      lifecycleStage: 'LEAD',
    });
    expect(second.company).toEqual({ id: first.company.id, name: 'Acme', domain: 'acme.io', industry: 'Software', size: 120 });
    const other = await captured('cap', { email: 'sam@acme.io', companyDomain: 'ACME.IO' });
    expect(other.company.id).toBe(first.company.id);
    const touches = await leads.service.db.query('SELECT source FROM contact_touches WHERE contact_id = $1 ORDER BY id', [first.id]);
    expect(touches).toEqual([{ source: 'api' }, { source: 'form' }]);
    const events = await outbox(first.id);
    expect(events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['contact.created', 'contact.lifecycle_stage_changed', 'contact.updated']),
    );
    expect(events.find((e: { type: string }) => e.type === 'contact.updated').data.changedFields).toEqual(['lastName', 'phone']);
  });

  test('a tracking-only capture starts as VISITOR and a later form capture makes it a LEAD', async () => {
    const v = await captured('cap', { email: 'visitor@x.example', source: 'page_view' });
    expect(v.lifecycleStage).toBe('VISITOR');
    const l = await captured('cap', { email: 'visitor@x.example', source: 'web_form' });
    expect(l.lifecycleStage).toBe('LEAD');
    expect(l.score).toBeGreaterThan(0); // a form fill is engagement
  });

  test.each([
    [{ email: 'a@b' }, 'email'],
    [{ email: 'ok@x.example', companySize: -3 }, 'companySize'],
    [{ email: 'ok@x.example', country: 'France' }, 'country'],
    [{ email: 'ok@x.example', campaignId: 'abc' }, 'campaignId'],
    [{ email: 'ok@x.example', firstName: 'x'.repeat(101) }, 'firstName'],
  ])('bad input %j -> BAD_USER_INPUT on %s, nothing written', async (input, field) => {
    const res = await leads.call(capture, { input }, { tenantId: 'cap-bad' });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const [n] = await leads.service.db.query(`SELECT count(*)::int AS n FROM contacts WHERE tenant_id = 'cap-bad'`);
    expect(n.n).toBe(0);
  });

  test('50 concurrent captures of one new address make one contact', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        leads.call<{ captureLead: { id: string } }>(capture, { input: { email: 'burst@x.example' } }, { tenantId: 'cap-burst' }),
      ),
    );
    expect(new Set(results.map((r) => r.data!.captureLead.id)).size).toBe(1);
  });
});

describe('scoring', () => {
  test('fit and engagement cross the MQL threshold: MQL (source RULE), score_changed emitted, breakdown queryable', async () => {
    const c = await captured('score', {
      email: 'cto@bigco.example',
      jobTitle: 'CTO',
      companyDomain: 'bigco.example',
      industry: 'Software',
      companySize: 5000,
    });
    const res = await leads.call<{ contact: any }>(
      `query($id: ID!) { contact(id: $id) { lifecycleStage score stageHistory { to source } scoreBreakdown { score fit engagement parts { rule points } } } }`,
      { id: c.id },
      { tenantId: 'score' },
    );
    expect(res.errors).toBeUndefined();
    const contact = res.data!.contact;
    expect(contact.score).toBe(65); // CTO 25 + software 20 + 1001+ employees 20
    expect(contact.scoreBreakdown).toMatchObject({ score: 65, fit: 65, engagement: 0 });
    expect(contact.lifecycleStage).toBe('MQL');
    expect(contact.stageHistory.at(-1)).toEqual({ to: 'MQL', source: 'RULE' });
    const scored = (await outbox(c.id)).filter((e: { type: string }) => e.type === 'contact.score_changed');
    expect(scored.map((e: { data: unknown }) => e.data)).toEqual([{ previous: 0, score: 65, fit: 65, engagement: 0 }]);
  });

  test('engagement recorded through the API adds decayed points', async () => {
    const c = await captured('score', { email: 'reader@x.example' });
    const rec = `mutation($input: RecordEngagementInput!) { recordEngagement(input: $input) { score } }`;
    const fresh = await leads.call<{ recordEngagement: { score: number } }>(
      rec,
      { input: { contactId: c.id, kind: 'MEETING' } },
      { tenantId: 'score' },
    );
    const old = await leads.call<{ recordEngagement: { score: number } }>(
      rec,
      { input: { contactId: c.id, kind: 'MEETING', at: new Date(Date.now() - 30 * 86_400_000).toISOString() } },
      { tenantId: 'score' },
    );
    const click = fresh.data!.recordEngagement.score;
    expect(click).toBeGreaterThan(0);
    expect(click).toBe(20);
    expect(old.data!.recordEngagement.score).toBe(30); // one half-life old counts half: 20 + 10
  });
});

describe('updateContact', () => {
  test('edits, clears with null, emits changedFields, rejects stale versions and taken emails', async () => {
    const c = await captured('upd', { email: 'ed@x.example', firstName: 'Ed', phone: '123' });
    const ok = await leads.call<{ updateContact: any }>(
      update,
      { input: { id: c.id, version: c.version, firstName: 'Edward', phone: null, country: 'de' } },
      { tenantId: 'upd' },
    );
    expect(ok.data!.updateContact).toMatchObject({ firstName: 'Edward', phone: null, country: 'DE' });
    const events = (await outbox(c.id)).filter((e: { type: string }) => e.type === 'contact.updated');
    expect(events.at(-1).data.changedFields).toEqual(['firstName', 'phone', 'country']);
    const stale = await leads.call(update, { input: { id: c.id, version: c.version, lastName: 'Late' } }, { tenantId: 'upd' });
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });
    await captured('upd', { email: 'taken@x.example' });
    const dup = await leads.call(update, { input: { id: c.id, email: 'TAKEN@x.example' } }, { tenantId: 'upd' });
    expect(dup.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE_EMAIL' });
    const bad = await leads.call(update, { input: { id: c.id, email: null } }, { tenantId: 'upd' });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });
});

describe('mergeContacts', () => {
  test('primary keeps id and stage, fills empties, combines history and touches, duplicate gone, contact.merged emitted', async () => {
    const primary = await captured('mrg', { email: 'p@x.example', firstName: 'Pat' });
    const duplicate = await captured('mrg', { email: 'p.other@x.example', firstName: 'Patricia', lastName: 'Lee', phone: '999' });
    const res = await leads.call<{ mergeContacts: any }>(
      merge,
      { input: { primaryId: primary.id, duplicateId: duplicate.id } },
      { tenantId: 'mrg' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.mergeContacts).toMatchObject({
      id: primary.id,
      email: 'p@x.example',
      firstName: 'Pat',
      lastName: 'Lee',
      phone: '999',
      lifecycleStage: 'LEAD',
    });
    expect(res.data!.mergeContacts.stageHistory).toEqual([
      { from: null, to: 'LEAD' },
      { from: null, to: 'LEAD' },
    ]);
    const gone = await leads.service.db.query('SELECT 1 FROM contacts WHERE id = $1', [duplicate.id]);
    expect(gone).toEqual([]);
    const touches = await leads.service.db.query('SELECT count(*)::int AS n FROM contact_touches WHERE contact_id = $1', [primary.id]);
    expect(touches[0].n).toBe(2);
    const merged = (await outbox(primary.id)).filter((e: { type: string }) => e.type === 'contact.merged');
    expect(merged.map((e: { data: unknown }) => e.data)).toEqual([{ primaryId: primary.id, duplicateId: duplicate.id }]);
    const self = await leads.call(merge, { input: { primaryId: primary.id, duplicateId: primary.id } }, { tenantId: 'mrg' });
    expect(self.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'duplicateId' });
    const missing = await leads.call(merge, { input: { primaryId: primary.id, duplicateId: duplicate.id } }, { tenantId: 'mrg' });
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('contacts query', () => {
  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      await captured('lst', {
        email: `person${String(i).padStart(2, '0')}@list.example`,
        firstName: i % 2 ? 'Odd' : 'Even',
        companyName: i < 5 ? 'Globex' : null,
      });
    }
  });

  test('cursor pagination walks every contact once, newest first, with totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: any = await leads.call(list, { first: 10, after }, { tenantId: 'lst' });
      expect(res.data.contacts.totalCount).toBe(25);
      seen.push(...res.data.contacts.edges.map((e: { node: { email: string } }) => e.node.email));
      if (!res.data.contacts.pageInfo.hasNextPage) break;
      after = res.data.contacts.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe('person24@list.example');
  });

  /** The SQL statements one query runs (the tenant warmed up first: no provisioning among them). */
  async function statementsOf(query: string) {
    await leads.call(list, { first: 1 }, { tenantId: 'lst' });
    const { result: res, statements } = await withStatements(leads.service.db, () => leads.call<any>(query, {}, { tenantId: 'lst' }));
    expect(res.errors).toBeUndefined();
    return { data: res.data, statements };
  }

  test('a page of contacts with companies and histories costs two statements, whatever its size', async () => {
    const { data, statements } = await statementsOf(
      `{ contacts(first: 25) { edges { node { email company { name } stageHistory { to } } } } }`,
    );
    expect(data.contacts.edges).toHaveLength(25);
    expect(data.contacts.edges.filter((e: any) => e.node.company?.name === 'Globex')).toHaveLength(5);
    // The page with its companies (joined, of this tenant), the histories; no count: totalCount not asked.
    expect(statements).toHaveLength(2);
    expect(statements[0]).toContain('LEFT JOIN "companies" "co" ON "co"."id" = "c"."company_id" AND "co"."tenant_id" = $1 WHERE');
    expect(statements.some((q) => /COUNT\(/i.test(q))).toBe(false);
  });

  test('scoreBreakdown over a page is batched: settings once, companies and engagements one statement each', async () => {
    const { data, statements } = await statementsOf(
      `{ contacts(first: 25) { edges { node { email scoreBreakdown { score fit engagement } } } } }`,
    );
    expect(data.contacts.edges).toHaveLength(25);
    for (const e of data.contacts.edges)
      expect(e.node.scoreBreakdown).toEqual({ score: expect.any(Number), fit: expect.any(Number), engagement: expect.any(Number) });
    expect(statements).toHaveLength(4); // the page, the settings, the companies, the engagements
    expect(statements.filter((q) => /contact_engagements/.test(q))).toHaveLength(1);
  });

  test('companies read with the page serve scoreBreakdown too, with the same answers as without them', async () => {
    const fields = 'email scoreBreakdown { score fit engagement }';
    const joined = await statementsOf(`{ contacts(first: 25) { edges { node { ${fields} company { name domain } } } } }`);
    const alone = await statementsOf(`{ contacts(first: 25) { edges { node { ${fields} } } } }`);
    expect(joined.statements).toHaveLength(3); // the page with its companies, the settings, the engagements
    expect(joined.statements.filter((q) => /"companies"/.test(q))).toHaveLength(1);
    expect(joined.data.contacts.edges.map((e: any) => e.node.scoreBreakdown)).toEqual(
      alone.data.contacts.edges.map((e: any) => e.node.scoreBreakdown),
    );
    const one = await leads.call<any>(
      `query($id: ID!) { contact(id: $id) { company { name domain } } }`,
      {
        id: (await leads.call<any>('{ contacts(first: 1) { edges { node { id company { name } } } } }', {}, { tenantId: 'lst' })).data
          .contacts.edges[0].node.id,
      },
      { tenantId: 'lst' },
    );
    expect(one.data.contact.company).toEqual(joined.data.contacts.edges[0].node.company);
  });

  test('filters: search (name, email, company), stage, minScore, createdAfter', async () => {
    const q = async (filter: Record<string, unknown>) =>
      (await leads.call<any>(list, { filter, first: 100 }, { tenantId: 'lst' })).data.contacts.totalCount;
    expect(await q({ search: 'odd' })).toBe(12);
    expect(await q({ search: 'globex' })).toBe(5);
    expect(await q({ search: 'even person0' })).toBe(5);
    expect(await q({ search: '100%' })).toBe(0);
    expect(await q({ stage: 'LEAD' })).toBe(25);
    expect(await q({ stage: 'MQL' })).toBe(0);
    expect(await q({ minScore: 1 })).toBe(0);
    expect(await q({ createdAfter: new Date(Date.now() + 60_000).toISOString() })).toBe(0);
    const bad = await leads.call(list, { after: 'garbage' }, { tenantId: 'lst' });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('settings and owner assignment', () => {
  const set = `mutation($input: UpdateLeadSettingsInput!) { updateLeadSettings(input: $input) { mqlThreshold recycleStage assignOn assignmentRule } }`;

  test('only admins change settings; bad values name their field', async () => {
    const denied = await leads.call(set, { input: { recycleStage: 'LEAD' } }, { tenantId: 'own', roles: ['sales'] });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bad = await leads.call(set, { input: { scoringRules: { mqlThreshold: 0 } } }, { tenantId: 'own' });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(bad.errors?.[0].extensions?.field).toMatch(/^scoringRules/);
    const nps = await leads.call(set, { input: { npsDetractorThreshold: 9 } }, { tenantId: 'own' });
    expect(nps.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'npsDetractorThreshold' });
  });

  test('round-robin on capture hands out owners in turn', async () => {
    const res = await leads.call(
      set,
      { input: { assignOn: 'CAPTURE', assignmentRule: { kind: 'ROUND_ROBIN', userIds: ['ann', 'bob', 'cat'] } } },
      { tenantId: 'own' },
    );
    expect(res.data).toEqual({
      updateLeadSettings: {
        mqlThreshold: 50,
        recycleStage: 'MQL',
        assignOn: 'CAPTURE',
        assignmentRule: { kind: 'ROUND_ROBIN', userIds: ['ann', 'bob', 'cat'] },
      },
    });
    const owners = [];
    for (let i = 0; i < 5; i++) owners.push((await captured('own', { email: `rr${i}@x.example` })).ownerId);
    expect(owners).toEqual(['ann', 'bob', 'cat', 'ann', 'bob']);
    const filtered = await leads.call<any>(list, { filter: { ownerId: 'ann' } }, { tenantId: 'own' });
    expect(filtered.data.contacts.totalCount).toBe(2);
  });
});

describe('importContacts through the graph', () => {
  test('counts, per-row errors with row numbers, ignored columns', async () => {
    const csv =
      'Email,First Name,Company Size,Shoe Size\nann@imp.example,Ann,10,38\nnot-an-email,Bob,5,44\nann@imp.example,Annie,,39\ncat@imp.example,Cat,-1,40\n';
    const res = await leads.call<{ importContacts: any }>(
      `mutation($input: ImportContactsInput!) { importContacts(input: $input) { created updated unchanged failed truncatedErrors ignoredColumns errors { row field message } } }`,
      { input: { csv } },
      { tenantId: 'imp-graph' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.importContacts).toMatchObject({
      created: 1,
      updated: 0,
      unchanged: 1,
      failed: 2,
      truncatedErrors: 0,
      ignoredColumns: ['Shoe Size'],
    });
    expect(res.data!.importContacts.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, 'email'],
      [5, 'companySize'],
    ]);
    const denied = await leads.call(
      `mutation { importContacts(input: { csv: "email\\nx@y.example" }) { created } }`,
      {},
      { tenantId: 'imp-graph', roles: ['support'] },
    );
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
