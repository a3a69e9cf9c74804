import { ColumnMap, detectDelimiter, headerKey, mapHeader, mapRow } from '../../src/domain/csv-rows';

const HEADER = [
  'Email',
  'First Name',
  'last_name',
  'jobTitle',
  'PHONE',
  'Company',
  'Website',
  'industry',
  'Company Size',
  'country',
  'budget',
  'source',
];

function columns(header: string[] = HEADER): ColumnMap {
  const result = mapHeader(header);
  if (!result.ok) throw new Error(result.message);
  return result.map;
}

/** A data row for HEADER from a partial object keyed by header. */
function record(values: Partial<Record<(typeof HEADER)[number], string>>, header: string[] = HEADER): string[] {
  return header.map((h) => values[h] ?? '');
}

describe('mapHeader', () => {
  test('case-, space-, underscore- and hyphen-insensitive; aliases; unknown columns reported, in file order', () => {
    const result = mapHeader([
      ' E-Mail ',
      'FIRST_NAME',
      'firstname_x',
      'Last Name',
      'Job Title',
      'phone',
      'Company Name',
      'Domain',
      'Industry',
      'company_size',
      'Country',
      'Budget',
      'Source',
      'Notes',
      '',
    ]);
    expect(result).toEqual({
      ok: true,
      map: {
        width: 15,
        ignoredColumns: ['firstname_x', 'Notes'],
        columns: [
          { index: 0, field: 'email', header: 'E-Mail' },
          { index: 1, field: 'firstName', header: 'FIRST_NAME' },
          { index: 3, field: 'lastName', header: 'Last Name' },
          { index: 4, field: 'jobTitle', header: 'Job Title' },
          { index: 5, field: 'phone', header: 'phone' },
          { index: 6, field: 'companyName', header: 'Company Name' },
          { index: 7, field: 'companyDomain', header: 'Domain' },
          { index: 8, field: 'industry', header: 'Industry' },
          { index: 9, field: 'companySize', header: 'company_size' },
          { index: 10, field: 'country', header: 'Country' },
          { index: 11, field: 'budget', header: 'Budget' },
          { index: 12, field: 'source', header: 'Source' },
        ],
      },
    });
  });

  test.each([
    ['email', 'email'],
    ['Email Address', 'email'],
    ['firstName', 'firstName'],
    ['first name', 'firstName'],
    ['company', 'companyName'],
    ['company_domain', 'companyDomain'],
    ['website', 'companyDomain'],
    ['domain', 'companyDomain'],
    ['CompanySize', 'companySize'],
  ])('%p maps to %p', (h, field) => {
    const result = mapHeader(field === 'email' ? [h] : ['email', h]);
    expect(result.ok && result.map.columns.find((c) => c.header === h)?.field).toBe(field);
  });

  test('headerKey', () => {
    expect(headerKey('  Company_Size ')).toBe('companysize');
    expect(headerKey('company - size')).toBe('companysize');
  });

  test('no email column: a clear message listing what was found', () => {
    expect(mapHeader(['name', 'phone'])).toEqual({ ok: false, message: 'The header has no email column (found: "name", "phone")' });
  });

  test('a data row where the header should be', () => {
    expect(mapHeader(['ada@example.com', 'Ada'])).toEqual({
      ok: false,
      message: 'The first row must be a header with an email column; it looks like a data row',
    });
  });

  test('an empty header', () => {
    expect(mapHeader(['', ' '])).toMatchObject({ ok: false, message: expect.stringMatching(/^The first row must be a header/) });
  });

  test('two columns for one field are ambiguous', () => {
    expect(mapHeader(['email', 'company', 'Company Name'])).toEqual({
      ok: false,
      message: 'Columns "company" and "Company Name" both map to companyName; keep one of them',
    });
  });
});

describe('mapRow', () => {
  const map = columns();

  test('a full row, normalised', () => {
    const result = mapRow(
      record({
        Email: ' Ada.Lovelace@Example.COM ',
        'First Name': '  Ada  ',
        last_name: 'Lovelace\tKing',
        jobTitle: 'Chief  Analyst',
        PHONE: ' +44 20 ',
        Company: ' Analytical  Engines ',
        Website: 'https://www.Engines.co.uk/about',
        industry: 'Computing',
        'Company Size': ' 12 ',
        country: 'gb',
        budget: '500000',
        source: ' Trade Show ',
      }),
      map,
      2,
    );
    expect(result).toEqual({
      kind: 'ok',
      value: {
        row: 2,
        email: 'ada.lovelace@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace King',
        jobTitle: 'Chief Analyst',
        phone: '+44 20',
        companyName: 'Analytical Engines',
        companyDomain: 'engines.co.uk',
        industry: 'Computing',
        companySize: 12,
        country: 'GB',
        budget: 500000,
        source: 'trade show',
      },
    });
  });

  test('only an email: everything else null', () => {
    expect(mapRow(record({ Email: 'x@y.io' }), map, 7)).toEqual({
      kind: 'ok',
      value: {
        row: 7,
        email: 'x@y.io',
        firstName: null,
        lastName: null,
        jobTitle: null,
        phone: null,
        companyName: null,
        companyDomain: null,
        industry: null,
        companySize: null,
        country: null,
        budget: null,
        source: null,
      },
    });
  });

  test('a short row (missing trailing cells) is fine', () => {
    expect(mapRow(['x@y.io', 'Xi'], map, 3)).toMatchObject({ kind: 'ok', value: { email: 'x@y.io', firstName: 'Xi', source: null } });
  });

  test('blank rows are skipped, whatever their width', () => {
    expect(mapRow([''], map, 4)).toEqual({ kind: 'blank' });
    expect(mapRow(record({}), map, 4)).toEqual({ kind: 'blank' });
    expect(mapRow(['  ', ' '], map, 4)).toEqual({ kind: 'blank' });
  });

  test('missing and invalid emails', () => {
    expect(mapRow(record({ 'First Name': 'Ada' }), map, 5)).toEqual({
      kind: 'invalid',
      errors: [{ row: 5, field: 'email', message: 'Email is required' }],
    });
    expect(mapRow(record({ Email: 'ada@' }), map, 6)).toEqual({
      kind: 'invalid',
      errors: [{ row: 6, field: 'email', message: 'ada@ is not a valid email address' }],
    });
  });

  test('every bad field of a row is reported, named by field, the message by the header as written', () => {
    const result = mapRow(record({ Email: 'bad', 'Company Size': '-5', budget: '1e6', country: 'France', Website: 'n/a' }), map, 9);
    expect(result).toEqual({
      kind: 'invalid',
      errors: [
        { row: 9, field: 'email', message: 'bad is not a valid email address' },
        { row: 9, field: 'companySize', message: 'Company Size must be a non-negative integer, got "-5"' },
        { row: 9, field: 'budget', message: 'budget must be a non-negative integer, got "1e6"' },
        { row: 9, field: 'companyDomain', message: 'Website is not a valid domain, got "n/a"' },
        { row: 9, field: 'country', message: 'country must be a 2-letter ISO 3166 country code, got "France"' },
      ],
    });
  });

  test.each([['1.5'], ['1,000'], ['+3'], ['ten']])('company size %p is not a non-negative integer', (size) => {
    expect(mapRow(record({ Email: 'a@b.io', 'Company Size': size }), map, 2)).toMatchObject({
      kind: 'invalid',
      errors: [{ field: 'companySize' }],
    });
  });

  test('integers are bounded by their columns and by what the API can return (budget is a GraphQL Int)', () => {
    expect(mapRow(record({ Email: 'a@b.io', 'Company Size': '2147483647', budget: '2147483647' }), map, 2)).toMatchObject({
      kind: 'ok',
      value: { companySize: 2147483647, budget: 2147483647 },
    });
    expect(mapRow(record({ Email: 'a@b.io', 'Company Size': '2147483648', budget: '9007199254740992' }), map, 2)).toEqual({
      kind: 'invalid',
      errors: [
        { row: 2, field: 'companySize', message: 'Company Size must be at most 2147483647' },
        { row: 2, field: 'budget', message: 'budget must be at most 2147483647' },
      ],
    });
    expect(mapRow(record({ Email: 'a@b.io', 'Company Size': '0', budget: '0' }), map, 2)).toMatchObject({
      kind: 'ok',
      value: { companySize: 0, budget: 0 },
    });
  });

  test('source is measured after lower-casing: 30 × İ is 60 characters once stored', () => {
    expect(mapRow(record({ Email: 'a@b.io', source: 'İ'.repeat(30) }), map, 2)).toMatchObject({
      kind: 'invalid',
      errors: [{ field: 'source' }],
    });
    expect(mapRow(record({ Email: 'a@b.io', source: 'İ'.repeat(25) }), map, 2)).toMatchObject({ kind: 'ok' });
  });

  test('text lengths follow the column limits, counted after normalising, in characters (not UTF-16 units)', () => {
    const ok = mapRow(
      record({ Email: 'a@b.io', 'First Name': `  ${'é'.repeat(100)}  `, jobTitle: '😀'.repeat(150), source: 's'.repeat(50) }),
      map,
      2,
    );
    expect(ok).toMatchObject({ kind: 'ok' });
    const long = mapRow(
      record({
        Email: 'a@b.io',
        'First Name': 'a'.repeat(101),
        last_name: 'b'.repeat(101),
        jobTitle: 'c'.repeat(151),
        PHONE: '1'.repeat(51),
        Company: 'd'.repeat(201),
        industry: 'e'.repeat(101),
        source: 'f'.repeat(51),
      }),
      map,
      2,
    );
    expect(long).toEqual({
      kind: 'invalid',
      errors: [
        { row: 2, field: 'firstName', message: 'First Name must be at most 100 characters' },
        { row: 2, field: 'lastName', message: 'last_name must be at most 100 characters' },
        { row: 2, field: 'jobTitle', message: 'jobTitle must be at most 150 characters' },
        { row: 2, field: 'phone', message: 'PHONE must be at most 50 characters' },
        { row: 2, field: 'companyName', message: 'Company must be at most 200 characters' },
        { row: 2, field: 'industry', message: 'industry must be at most 100 characters' },
        { row: 2, field: 'source', message: 'source must be at most 50 characters' },
      ],
    });
  });

  test('control characters (NUL cannot be stored) are refused; tabs and newlines are whitespace', () => {
    expect(mapRow(record({ Email: 'a@b.io', 'First Name': 'A\u0000da' }), map, 2)).toEqual({
      kind: 'invalid',
      errors: [{ row: 2, field: 'firstName', message: 'First Name contains a control character' }],
    });
    expect(mapRow(record({ Email: 'a@b.io', 'First Name': 'A\nda\r\n' }), map, 2)).toMatchObject({
      kind: 'ok',
      value: { firstName: 'A da' },
    });
  });

  test('a domain too long for the column is not a domain', () => {
    const label = 'a'.repeat(63);
    const domain = `${label}.${label}.${label}.${label}.com`; // 259 characters
    expect(mapRow(record({ Email: 'a@b.io', Website: domain }), map, 2)).toMatchObject({
      kind: 'invalid',
      errors: [{ field: 'companyDomain' }],
    });
  });

  test('more non-empty cells than header columns is a row error; empty extra cells are tolerated', () => {
    expect(mapRow([...record({ Email: 'a@b.io' }), 'oops', ''], map, 8)).toEqual({
      kind: 'invalid',
      errors: [{ row: 8, field: null, message: 'The row has 14 values but the header has 12 columns' }],
    });
    expect(mapRow([...record({ Email: 'a@b.io' }), '', ' '], map, 8)).toMatchObject({ kind: 'ok' });
  });

  test('long raw values are cut in messages', () => {
    const result = mapRow(record({ Email: 'a@b.io', 'Company Size': 'x'.repeat(500) }), map, 2);
    expect(result.kind === 'invalid' && result.errors[0].message).toBe(
      `Company Size must be a non-negative integer, got "${'x'.repeat(60)}…"`,
    );
  });

  test('columns the file does not have stay null', () => {
    const slim = columns(['email', 'budget']);
    expect(mapRow(['a@b.io', '10'], slim, 2)).toEqual({
      kind: 'ok',
      value: {
        row: 2,
        email: 'a@b.io',
        firstName: null,
        lastName: null,
        jobTitle: null,
        phone: null,
        companyName: null,
        companyDomain: null,
        industry: null,
        companySize: null,
        country: null,
        budget: 10,
        source: null,
      },
    });
  });
});

describe('detectDelimiter', () => {
  test.each([
    ['email,first_name\na@b.io,A', ','],
    ['email;first_name;last_name\na@b.io;A;B', ';'],
    ['email\tfirst_name\na@b.io\tA', '\t'],
    ['"a,b";c;d\n', ';'],
    ['email\n', ','],
    ['"email;x",y\n', ','],
  ])('%p -> %p', (csv, delimiter) => {
    expect(detectDelimiter(csv)).toBe(delimiter);
  });
});
