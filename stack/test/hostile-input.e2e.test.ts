// Hostile GraphQL input through the gateway: documents that fail to parse or trip a limit,
// control characters, invalid scalars, forged cursors, oversized values and numbers, and
// references to records that do not exist. Each is a coded 4xx or GraphQL error (never 5xx or
// INTERNAL_SERVER_ERROR), and the tenant's rows are what they were.
import { randomUUID } from 'node:crypto';
import { startTestStack, TestStack } from './helpers';
import { Attacker } from './hostile';

let stack: TestStack;
const attacker = new Attacker(() => stack);
let before: Awaited<ReturnType<Attacker['rows']>>;

beforeAll(async () => {
  stack = await startTestStack();
  await attacker.seed();
  before = await attacker.rows();
});
afterAll(async () => {
  attacker.report('hostile input');
  await stack?.stop();
});

const capture = 'mutation($input: CaptureLeadInput!) { captureLead(input: $input) { id } }';
const createDeal = 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }';
const createActivity = 'mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }';

describe('GraphQL documents: parse failures and limits are 400 with a code', () => {
  test.each([
    ['unterminated', '{ contacts {'],
    ['garbage', '}}}}'],
    ['empty', ''],
    ['whitespace', '   '],
    ['unterminated string', '{ contacts(filter: { search: "abc }) { totalCount } }'],
    ['NUL in the document', '{ __typename \u0000 }'],
    ['bad escape', '{ contacts(filter: { search: "\\uZZZZ" }) { totalCount } }'],
    ['too many tokens', `{ ${Array.from({ length: 1200 }, () => '__typename').join(' ')} }`],
    ['token flood that also fails to parse', `{ ${'a '.repeat(3000)}`],
    ['too many aliases', `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: contacts { totalCount }`).join(' ')} }`],
    [
      'too deep',
      `{ contacts { edges { node { company { id } deals { contact { deals { contact { deals { contact { deals { contact { id } } } } } } } } } } } }`,
    ],
    ['unknown field', '{ nope }'],
    ['two anonymous operations', '{ __typename } { __typename }'],
    ['directive flood', `{ __typename ${'@skip(if: false) '.repeat(200)} }`],
    ['fragment cycle', 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'],
  ])('%s', async (_label, query) => {
    const res = await attacker.gql('document parse/limit', query);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toMatch(/^(GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|BAD_REQUEST)$/);
  });
});

describe('control characters in any text input: BAD_USER_INPUT naming the field', () => {
  const controls = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f'];
  test('every C0 control but tab/newline/CR, in leads and pipeline fields and search terms', async () => {
    for (const ch of controls) {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        [capture, { input: { email: `a${ch}@x.example` } }, 'email'],
        [capture, { input: { email: 'ok@x.example', firstName: `Ada${ch}` } }, 'firstName'],
        [capture, { input: { email: 'ok@x.example', companyName: `Co${ch}`, companyDomain: 'co.example' } }, 'companyName'],
        ['query($f: ContactFilter) { contacts(filter: $f) { totalCount } }', { f: { search: `ada${ch}` } }, 'search'],
        [createDeal, { input: { contactId: attacker.contactId, title: `Deal${ch}`, amount: 1 } }, 'title'],
        [createActivity, { input: { kind: 'NOTE', subject: `Hi${ch}`, contactId: attacker.contactId } }, 'subject'],
        ['mutation($i: LoseDealInput!) { loseDeal(input: $i) { id } }', { i: { dealId: attacker.dealId, reason: `why${ch}` } }, 'reason'],
        ['query($id: ID!) { contact(id: $id) { id } }', { id: `${attacker.contactId}${ch}` }, 'id'],
      ];
      for (const [query, variables, field] of cases) {
        const res = await attacker.gql('control characters', query, variables);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
    }
    // Inline literals too.
    const literal = await attacker.gql(
      'control characters',
      'mutation { captureLead(input: { email: "x@y.example", lastName: "a\\u0000b" }) { id } }',
    );
    expect(literal.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lastName' });
  });

  test('tab, newline and carriage return are text', async () => {
    const res = await attacker.gql('control characters', createActivity, {
      input: { kind: 'NOTE', subject: 'line one\tcol', body: 'a\r\nb\nc', contactId: attacker.contactId },
    });
    expect(res.errors).toBeUndefined();
    await stack.services.pipeline.db.query('DELETE FROM activities WHERE tenant_id = $1 AND id = $2', [
      attacker.tenant,
      (res.data as { createActivity: { id: string } }).createActivity.id,
    ]);
  });
});

describe('custom scalars, at the gateway and relayed from a subgraph: BAD_USER_INPUT', () => {
  test.each([
    [
      'DateTime in a variable (coerced by pipeline)',
      createActivity,
      () => ({ input: { kind: 'TASK', subject: 's', contactId: attacker.contactId, dueAt: 'tomorrow' } }),
    ],
    [
      'DateTime out of range',
      createActivity,
      () => ({ input: { kind: 'TASK', subject: 's', contactId: attacker.contactId, dueAt: '2024-13-45T99:99:99Z' } }),
    ],
    ['DateTime as a number', createActivity, () => ({ input: { kind: 'TASK', subject: 's', contactId: attacker.contactId, dueAt: 12 } })],
    [
      'DateTime in a filter (coerced by leads)',
      'query($f: ContactFilter) { contacts(filter: $f) { totalCount } }',
      () => ({ f: { createdAfter: '99999-99-99' } }),
    ],
    [
      'DateTime in recordEngagement',
      'mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { id } }',
      () => ({ i: { contactId: attacker.contactId, kind: 'PAGE_VIEW', at: 'yesterday' } }),
    ],
    [
      'JSON rules that are not rules',
      'mutation($r: JSON) { updateLeadSettings(input: { scoringRules: $r }) { mqlThreshold } }',
      () => ({ r: 'not rules' }),
    ],
    [
      'JSON rules nested wrongly',
      'mutation($r: JSON) { updateLeadSettings(input: { scoringRules: $r }) { mqlThreshold } }',
      () => ({ r: { fit: [{ nope: true }] } }),
    ],
    ['Int over 2^31', capture, () => ({ input: { email: 'big@x.example', companySize: 2 ** 31 } })],
    ['Int as a float', createDeal, () => ({ input: { contactId: attacker.contactId, title: 't', amount: 1.5 } })],
    ['enum that does not exist', createActivity, () => ({ input: { kind: 'HACK', subject: 's', contactId: attacker.contactId } })],
  ])('%s', async (_label, query, variables) => {
    const res = await attacker.gql('custom scalars', query, variables());
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('inline DateTime literal', async () => {
    const res = await attacker.gql(
      'custom scalars',
      `mutation { createActivity(input: { kind: TASK, subject: "s", contactId: "${attacker.contactId}", dueAt: "nope" }) { id } }`,
    );
    expect(res.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });
});

describe('forged cursors: BAD_USER_INPUT on after', () => {
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const forged = [
    'garbage',
    '',
    '====',
    b64('not json'),
    b64(null),
    b64(42),
    b64([]),
    b64({ at: 1 }),
    b64(['2024-01-01T00:00:00.000Z', 'not-a-uuid']),
    b64(['2024-01-01T00:00:00.000Z', "'; DROP TABLE contacts; --"]),
    b64(['99999-01-01T00:00:00.000Z', randomUUID()]),
    b64(['+275760-09-13T00:00:00.000Z', randomUUID()]),
    b64(['2024-02-30T00:00:00.000Z', randomUUID()]),
    b64(['yesterday', randomUUID()]),
    b64([1e20, randomUUID()]),
    b64(['2024-01-01T00:00:00.000Z', randomUUID(), 'extra']),
  ];
  test('contacts, deals, activities', async () => {
    for (const after of forged) {
      for (const query of [
        'query($a: String) { contacts(first: 5, after: $a) { totalCount } }',
        'query($a: String) { deals(first: 5, after: $a) { totalCount } }',
        'query($a: String) { activities(first: 5, after: $a) { totalCount } }',
      ]) {
        const res = await attacker.gql('forged cursors', query, { a: after });
        if (after === '') continue; // an empty cursor is no cursor
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    }
  });
});

describe('sizes and numbers: refused at input', () => {
  test.each([
    ['a 10k-character name', capture, () => ({ input: { email: 'long@x.example', firstName: 'a'.repeat(10_000) } }), 'firstName'],
    ['an email that grows when lower-cased', capture, () => ({ input: { email: `${'İ'.repeat(200)}@x.example` } }), 'email'],
    ['a long domain', capture, () => ({ input: { email: 'd@x.example', companyDomain: `${'a'.repeat(300)}.example` } }), 'companyDomain'],
    [
      'a domain that grows when lower-cased',
      capture,
      () => ({ input: { email: 'd@x.example', companyDomain: `${'İ'.repeat(250)}.com` } }),
      'companyDomain',
    ],
    ['a negative company size', capture, () => ({ input: { email: 'n@x.example', companySize: -5 } }), 'companySize'],
    ['a negative budget', capture, () => ({ input: { email: 'n@x.example', budget: -1 } }), 'budget'],
    [
      'a long search term',
      'query($f: ContactFilter) { contacts(filter: $f) { totalCount } }',
      () => ({ f: { search: 'a'.repeat(5000) } }),
      'filter.search',
    ],
    ['a negative amount', createDeal, () => ({ input: { contactId: attacker.contactId, title: 't', amount: -1 } }), 'amount'],
    [
      'a probability over 100',
      createDeal,
      () => ({ input: { contactId: attacker.contactId, title: 't', amount: 1, probability: 101 } }),
      'probability',
    ],
    [
      'a 10k-character deal title',
      createDeal,
      () => ({ input: { contactId: attacker.contactId, title: 'x'.repeat(10_000), amount: 1 } }),
      'title',
    ],
    [
      'a 1 MB-ish activity body',
      createActivity,
      () => ({ input: { kind: 'NOTE', subject: 's', body: 'b'.repeat(200_000), contactId: attacker.contactId } }),
      'body',
    ],
    [
      'a currency that is not ISO',
      createDeal,
      () => ({ input: { contactId: attacker.contactId, title: 't', amount: 1, currency: 'DOLLARS' } }),
      'currency',
    ],
    ['a huge page', 'query($n: Int) { deals(first: $n) { totalCount } }', () => ({ n: 1_000_000 }), 'first'],
    ['a negative page', 'query { contacts(first: -1) { totalCount } }', () => ({}), 'first'],
  ])('%s', async (_label, query, variables, field) => {
    const res = await attacker.gql('sizes and numbers', query, variables());
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('references to records that do not exist in the tenant: NOT_FOUND naming the field', () => {
  test('a deal or activity for an unknown contact, deal or company', async () => {
    const unknown = randomUUID();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [createDeal, { input: { contactId: unknown, title: 't', amount: 1 } }, 'contactId'],
      [createActivity, { input: { kind: 'NOTE', subject: 's', contactId: unknown } }, 'contactId'],
      [createActivity, { input: { kind: 'NOTE', subject: 's', dealId: unknown } }, 'dealId'],
      [
        'mutation($i: MergeContactsInput!) { mergeContacts(input: $i) { id } }',
        { i: { primaryId: attacker.contactId, duplicateId: unknown } },
        'duplicateId',
      ],
    ];
    for (const [query, variables, field] of cases) {
      const res = await attacker.gql('dangling references', query, variables);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field });
    }
  });
});

test('after all of it: every process serves, and the tenant rows are unchanged', async () => {
  await attacker.expectAllServing();
  expect(await attacker.rows()).toEqual(before);
  expect(attacker.statuses.filter((s) => s >= 500)).toEqual([]);
});
