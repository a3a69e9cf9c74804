import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, ObjectTypeDefinitionNode, parse } from 'graphql';
import { startTestService, TestService, withStatements } from '@crm/testing';
import { createService } from '../../src/service';
import { CONTACT_FIELD_COLUMNS } from '../../src/graph/contacts';

// A page of contacts reads only the columns its fields need (CONTACT_FIELD_COLUMNS): every field
// of Contact, asked alone in a page, must answer what the whole row answers (`contact(id)`).

let leads: TestService;
beforeAll(async () => {
  leads = await startTestService('leads_page_columns', createService);
});
afterAll(() => leads.stop());

const T = 'cols';
const SUBSELECTION: Record<string, string> = {
  company: '{ id name domain industry size }',
  referredBy: '{ id email }',
  stageHistory: '{ from to source }',
  scoreBreakdown: '{ score fit engagement }',
};
const contactFields = () => {
  const sdl = parse(readFileSync(path.join(__dirname, '../../src/schema.graphql'), 'utf8'));
  const type = sdl.definitions.find(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Contact',
  );
  return type!.fields!.map((f) => `${f.name.value} ${SUBSELECTION[f.name.value] ?? ''}`.trim());
};

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const res = await leads.call<any>(query, variables, { tenantId: T });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

beforeAll(async () => {
  const capture = 'mutation($input: CaptureLeadInput!) { captureLead(input: $input) { id } }';
  const { captureLead: promoter } = await gql(capture, { input: { email: 'promoter@cols.example', firstName: 'Pro' } });
  const { captureLead: full } = await gql(capture, {
    input: {
      email: 'full@cols.example',
      firstName: 'Full',
      lastName: 'Row',
      jobTitle: 'CTO',
      phone: '+1 555 0100',
      companyName: 'Cols Inc',
      companyDomain: 'cols.example',
      industry: 'Software',
      companySize: 40,
      country: 'DE',
      budget: 500000,
      source: 'form',
      referrerId: promoter.id,
    },
  });
  await gql('mutation($input: ChangeLifecycleStageInput!) { changeLifecycleStage(input: $input) { id } }', {
    input: { contactId: full.id, stage: 'SQL', reason: 'test' },
  });
  // What only events set (a won deal, an NPS answer), set directly: this test reads, it does not move.
  await leads.service.db.query(
    `UPDATE contacts SET customer_since = '2026-03-04T05:06:07.089Z', last_purchase_at = '2026-05-06T07:08:09.010Z',
       last_engagement_at = '2026-06-07T08:09:10.011Z', churn_risk = true, repeat_purchases = 2, owner_id = 'owner-7'
     WHERE id = $1`,
    [full.id],
  );
  await gql(capture, { input: { email: 'bare@cols.example' } });
});

test('every field of Contact, asked alone in a page, answers what the whole row answers', async () => {
  const fields = contactFields();
  expect(fields.length).toBeGreaterThanOrEqual(25);
  const { contacts } = await gql('{ contacts(first: 10) { edges { node { id } } } }');
  const ids: string[] = contacts.edges.map((e: any) => e.node.id);
  expect(ids).toHaveLength(3);
  const whole = await Promise.all(
    ids.map(async (id) => (await gql(`query($id: ID!) { contact(id: $id) { ${fields.join(' ')} } }`, { id })).contact),
  );
  for (const field of fields) {
    const name = field.split(' ')[0];
    const page = await gql(`{ contacts(first: 10) { edges { node { id ${field} } } } }`);
    expect([name, page.contacts.edges.map((e: any) => e.node[name])]).toEqual([name, whole.map((c) => c[name])]);
  }
  // The full contact has a value in every field: a column left unread would show as null here.
  const full = whole.find((c) => c.email === 'full@cols.example');
  for (const field of fields) expect([field, full[field.split(' ')[0]]]).not.toEqual([field, null]);
  // Every declared field is a field of Contact; only scoreBreakdown reads whole rows.
  const names = fields.map((f) => f.split(' ')[0]);
  expect(Object.keys(CONTACT_FIELD_COLUMNS).sort()).toEqual(names.filter((n) => n !== 'scoreBreakdown').sort());
});

test("a page reads only its fields' columns; a field that reads the whole row reads it", async () => {
  const narrow = await withStatements(leads.service.db, () => gql('{ contacts(first: 10) { edges { node { email company { name } } } } }'));
  const page = narrow.statements.find((q) => /FROM "contacts" "c"/.test(q))!;
  expect(page).toMatch(/"c"\."email"/);
  expect(page).toMatch(/"c"\."company_id"/);
  expect(page).toMatch(/"c"\."created_at"/);
  expect(page).not.toMatch(/"c"\."phone"|"c"\."budget"|"c"\."version"/);
  expect(narrow.result.contacts.edges.map((e: any) => e.node.company?.name ?? null).sort()).toEqual(['Cols Inc', null, null]);

  const scored = await withStatements(leads.service.db, () =>
    gql('{ contacts(first: 10) { edges { node { email scoreBreakdown { score } } } } }'),
  );
  expect(scored.statements.find((q) => /FROM "contacts" "c"/.test(q))).toMatch(/"c"\."phone".*"c"\."budget".*"c"\."version"/);
  const viaFragment = await withStatements(leads.service.db, () =>
    gql('{ contacts(first: 10) { edges { node { ... on Contact { email } } } } }'),
  );
  expect(viaFragment.statements.find((q) => /FROM "contacts" "c"/.test(q))).toMatch(/"c"\."phone"/);
});
