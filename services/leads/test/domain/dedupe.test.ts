import {
  FREE_MAIL_DOMAINS,
  domainFromEmail,
  isEmptyValue,
  mergeContactFields,
  mergeDuplicateInto,
  normaliseDomain,
  normaliseEmail,
  normaliseName,
} from '../../src/domain/dedupe';

describe('normaliseEmail', () => {
  it.each([
    ['jane@acme.com', 'jane@acme.com'],
    ['  Jane.Doe@Acme.COM \n', 'jane.doe@acme.com'],
    ['first.last+crm@sub.example.co.uk', 'first.last+crm@sub.example.co.uk'],
    ["o'brien@acme-corp.io", "o'brien@acme-corp.io"],
    ['x@a1.de', 'x@a1.de'],
  ])('accepts %p as %p', (raw, email) => {
    expect(normaliseEmail(raw)).toEqual({ ok: true, email });
  });

  it('makes differently-cased spellings of one address equal', () => {
    expect(normaliseEmail('JANE@ACME.COM')).toEqual(normaliseEmail(' jane@acme.com'));
  });

  it.each([
    'jane',
    'jane@',
    '@acme.com',
    'jane@acme',
    'jane@acme.c',
    'jane doe@acme.com',
    'jane@ac me.com',
    'jane@@acme.com',
    'jane@acme..com',
    'jane.@acme.com',
    '.jane@acme.com',
    'ja..ne@acme.com',
    'jane@-acme.com',
    'jane@acme-.com',
    'jane@acme.123',
    'jane@acme.com.',
    '"jane"@acme.com',
  ])('rejects %p', (raw) => {
    expect(normaliseEmail(raw)).toEqual({ ok: false, message: `${raw.trim()} is not a valid email address` });
  });

  it('rejects blank input', () => {
    expect(normaliseEmail('   ')).toEqual({ ok: false, message: 'Email is required' });
  });

  it('rejects a non-string at runtime', () => {
    expect(normaliseEmail(42 as unknown as string)).toEqual({ ok: false, message: 'Email must be a string' });
  });

  it('enforces 254 characters overall and 64 for the local part', () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(57)}.com`; // 189 chars, labels <= 63
    const at254 = `${'a'.repeat(64)}@${domain}`;
    expect(at254.length).toBe(254);
    expect(normaliseEmail(at254).ok).toBe(true);
    expect(normaliseEmail(`a${at254}`)).toEqual({ ok: false, message: 'Email must be at most 254 characters' });
    expect(normaliseEmail(`${'a'.repeat(65)}@acme.com`).ok).toBe(false);
  });
});

describe('normaliseDomain', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['  ACME.com ', 'acme.com'],
    ['https://www.acme.com', 'acme.com'],
    ['http://www.Acme.com/about/team?x=1#top', 'acme.com'],
    ['www.acme.co.uk/', 'acme.co.uk'],
    ['//cdn.acme.io/x', 'cdn.acme.io'],
    ['https://user:pw@shop.acme.com:8443/cart', 'shop.acme.com'],
    ['acme.com.', 'acme.com'],
    ['acme.com?ref=ad', 'acme.com'],
    ['wwwacme.com', 'wwwacme.com'],
  ])('%p -> %p', (raw, domain) => {
    expect(normaliseDomain(raw)).toBe(domain);
  });

  it.each(['', '   ', 'acme', 'https://', 'not a domain', 'localhost:3000', 'acme.c', null, undefined])('returns null for %p', (raw) => {
    expect(normaliseDomain(raw)).toBeNull();
  });
});

describe('domainFromEmail', () => {
  it('returns the company domain, lowercased', () => {
    expect(domainFromEmail('Jane@Acme.COM')).toBe('acme.com');
    expect(domainFromEmail('ops@eu.acme.com')).toBe('eu.acme.com');
  });

  it.each(['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'proton.me', 'protonmail.com', 'GMAIL.COM'])(
    'returns null for free-mail %s',
    (domain) => {
      expect(domainFromEmail(`someone@${domain}`)).toBeNull();
    },
  );

  it('returns null for an invalid email', () => {
    expect(domainFromEmail('not-an-email')).toBeNull();
  });

  it('keeps the free-mail list lowercase, so lookups after normalising match', () => {
    for (const d of FREE_MAIL_DOMAINS) expect(d).toBe(d.toLowerCase());
  });
});

describe('normaliseName', () => {
  it.each([
    ['  Jane  ', 'Jane'],
    ['Mary   Ann\tSmith', 'Mary Ann Smith'],
    ['Jean-Luc', 'Jean-Luc'],
    ['', null],
    [' \n\t ', null],
    [null, null],
    [undefined, null],
  ])('%p -> %p', (raw, name) => {
    expect(normaliseName(raw)).toBe(name);
  });
});

describe('isEmptyValue', () => {
  it.each([
    [null, true],
    [undefined, true],
    ['', true],
    ['  ', true],
    ['x', false],
    [0, false],
    [false, false],
    [[], false],
  ])('%p -> %p', (value, empty) => {
    expect(isEmptyValue(value)).toBe(empty);
  });
});

// An interface, deliberately: it has no index signature, like a TypeORM entity.
interface ContactFields {
  email: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle?: string | null;
  phone: string | null;
  companySize: number | null;
}

const FIELDS = ['firstName', 'lastName', 'jobTitle', 'phone', 'companySize'] as const;

describe('mergeContactFields', () => {
  const existing: ContactFields = { email: 'jane@acme.com', firstName: 'Jane', lastName: null, phone: '  ', companySize: 0 };

  it('fills empty fields and never overwrites set ones', () => {
    const result = mergeContactFields(
      existing,
      { firstName: 'Janet', lastName: 'Doe', jobTitle: 'CTO', phone: '+33 1 23', companySize: 500 },
      FIELDS,
    );
    expect(result).toEqual({
      merged: { email: 'jane@acme.com', firstName: 'Jane', lastName: 'Doe', jobTitle: 'CTO', phone: '+33 1 23', companySize: 0 },
      changedFields: ['lastName', 'jobTitle', 'phone'],
    });
  });

  it('never writes a blank value', () => {
    const result = mergeContactFields(existing, { lastName: '   ', jobTitle: null, phone: undefined }, FIELDS);
    expect(result.changedFields).toEqual([]);
    expect(result.merged).toEqual(existing);
  });

  it('only touches the listed fields', () => {
    const sparse: ContactFields = { email: '', firstName: null, lastName: null, phone: null, companySize: null };
    const result = mergeContactFields(sparse, { email: 'x@y.com', firstName: 'Jo' }, ['firstName']);
    expect(result).toEqual({ merged: { ...sparse, firstName: 'Jo' }, changedFields: ['firstName'] });
  });

  it('does not mutate its inputs', () => {
    const before = structuredClone(existing);
    const incoming = { lastName: 'Doe' };
    const result = mergeContactFields(existing, incoming, FIELDS);
    expect(existing).toEqual(before);
    expect(incoming).toEqual({ lastName: 'Doe' });
    expect(result.merged).not.toBe(existing);
  });

  it('reports a field listed twice once', () => {
    expect(mergeContactFields(existing, { lastName: 'Doe' }, ['lastName', 'lastName']).changedFields).toEqual(['lastName']);
  });

  it('keeps a falsy but set value such as 0', () => {
    expect(mergeContactFields(existing, { companySize: 10 }, FIELDS).merged.companySize).toBe(0);
  });
});

describe('mergeDuplicateInto', () => {
  it('lets the primary win and fills its gaps from the duplicate', () => {
    const primary: ContactFields = { email: 'jane@acme.com', firstName: 'Jane', lastName: null, phone: null, companySize: 50 };
    const duplicate: ContactFields = {
      email: 'j.doe@acme.com',
      firstName: 'J.',
      lastName: 'Doe',
      phone: '',
      companySize: 80,
      jobTitle: 'VP',
    };
    expect(mergeDuplicateInto(primary, duplicate, FIELDS)).toEqual({
      merged: { email: 'jane@acme.com', firstName: 'Jane', lastName: 'Doe', jobTitle: 'VP', phone: null, companySize: 50 },
      changedFields: ['lastName', 'jobTitle'],
    });
  });
});
