// CSV import rows (importContacts): header mapping and per-row validation. Pure: no I/O. The
// use case (use-cases/import.ts) parses the file and writes; this file decides what a row means.
import { characterLength } from '@crm/service-kit';
import { normaliseDomain, normaliseEmail, normaliseName } from './dedupe';

/** The contact and company fields a CSV column can fill (named as in CaptureLeadInput). */
export const IMPORT_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'jobTitle',
  'phone',
  'companyName',
  'companyDomain',
  'industry',
  'companySize',
  'country',
  'budget',
  'source',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/**
 * Accepted header spellings, compared after `headerKey` (lowercase; spaces, underscores and
 * hyphens removed): "First Name", "first_name", "firstName" and "FIRST-NAME" are one column.
 */
const HEADER_ALIASES: Readonly<Record<string, ImportField>> = {
  email: 'email',
  emailaddress: 'email',
  firstname: 'firstName',
  lastname: 'lastName',
  jobtitle: 'jobTitle',
  phone: 'phone',
  companyname: 'companyName',
  company: 'companyName',
  companydomain: 'companyDomain',
  domain: 'companyDomain',
  website: 'companyDomain',
  industry: 'industry',
  companysize: 'companySize',
  country: 'country',
  budget: 'budget',
  source: 'source',
};

/** Column limits of the contacts and companies tables (migration 1700000001000 / 1100). */
export const TEXT_LIMITS: Readonly<
  Record<'firstName' | 'lastName' | 'jobTitle' | 'phone' | 'companyName' | 'industry' | 'source', number>
> = {
  firstName: 100,
  lastName: 100,
  jobTitle: 150,
  phone: 50,
  companyName: 200,
  industry: 100,
  source: 50,
};
const MAX_DOMAIN_LENGTH = 253; // companies.domain varchar(253)
const MAX_INT4 = 2_147_483_647; // companies.size int
/** contacts.budget is a bigint, but the API's Contact.budget is a GraphQL Int: what we store must be readable. */
const MAX_BUDGET = MAX_INT4;
/** Longest raw value quoted back in an error message. */
const QUOTE_MAX = 60;

export const headerKey = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

export interface MappedColumn {
  index: number;
  field: ImportField;
  /** The header as written in the file, for messages. */
  header: string;
}

export interface ColumnMap {
  columns: MappedColumn[];
  /** How many columns the header has (a row with more non-empty cells is an error). */
  width: number;
  /** Non-empty headers that map to no field, as written, in file order. */
  ignoredColumns: string[];
}

export type HeaderResult = { ok: true; map: ColumnMap } | { ok: false; message: string };

/** Map the header row to fields. Fails when there is no email column or two columns map to one field. */
export function mapHeader(header: readonly string[]): HeaderResult {
  const cells = header.map((h) => (typeof h === 'string' ? h.trim() : ''));
  if (cells.every((h) => h === '')) {
    return { ok: false, message: 'The first row must be a header naming the columns (email, first_name, last_name, ...)' };
  }
  const columns: MappedColumn[] = [];
  const ignoredColumns: string[] = [];
  for (const [index, cell] of cells.entries()) {
    if (cell === '') continue;
    const field = HEADER_ALIASES[headerKey(cell)];
    if (!field) {
      ignoredColumns.push(cell);
      continue;
    }
    const twin = columns.find((c) => c.field === field);
    if (twin) return { ok: false, message: `Columns "${twin.header}" and "${cell}" both map to ${field}; keep one of them` };
    columns.push({ index, field, header: cell });
  }
  if (!columns.some((c) => c.field === 'email')) {
    const looksLikeData = cells.some((h) => h.includes('@'));
    return {
      ok: false,
      message: looksLikeData
        ? 'The first row must be a header with an email column; it looks like a data row'
        : `The header has no email column (found: ${cells
            .filter((h) => h !== '')
            .map((h) => `"${quote(h)}"`)
            .join(', ')})`,
    };
  }
  return { ok: true, map: { columns, width: cells.length, ignoredColumns } };
}

/** One valid row, normalised: what the import applies. */
export interface ContactRow {
  /** Spreadsheet row number: the header is row 1, the first data row is row 2. */
  row: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  phone: string | null;
  companyName: string | null;
  companyDomain: string | null;
  industry: string | null;
  companySize: number | null;
  /** ISO 3166 alpha-2, uppercased. */
  country: string | null;
  /** Minor units. */
  budget: number | null;
  /** Lowercased, as captureLead stores it; null when the file says nothing. */
  source: string | null;
}

export interface RowError {
  row: number;
  /** The field (as in CaptureLeadInput) the error is about, or null for the row as a whole. */
  field: ImportField | null;
  message: string;
}

export type RowResult =
  | { kind: 'ok'; value: ContactRow }
  | { kind: 'invalid'; errors: RowError[] }
  /** Every cell empty: skipped silently (it still has a row number). */
  | { kind: 'blank' };

/**
 * C0 controls other than the whitespace that normaliseName collapses (tab, line ends), and DEL.
 * Postgres cannot store NUL at all; the rest are invisible garbage from broken exports.
 */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x08 || (c >= 0x0e && c <= 0x1f) || c === 0x7f) return true;
  }
  return false;
}
const DIGITS = /^\d+$/;
const COUNTRY = /^[A-Za-z]{2}$/;

function quote(raw: string): string {
  return raw.length > QUOTE_MAX ? `${raw.slice(0, QUOTE_MAX)}…` : raw;
}

/**
 * Validate and normalise one data row. Every problem of the row is reported (one error per
 * field); a row with any error is not applied at all.
 */
export function mapRow(record: readonly string[], map: ColumnMap, row: number): RowResult {
  if (record.every((cell) => cell.trim() === '')) return { kind: 'blank' };
  const errors: RowError[] = [];
  const fail = (field: ImportField | null, message: string) => errors.push({ row, field, message });
  const raw: Partial<Record<ImportField, string>> = {};
  const header: Partial<Record<ImportField, string>> = {};
  for (const c of map.columns) {
    raw[c.field] = record[c.index] ?? '';
    header[c.field] = c.header;
  }
  const extra = record.slice(map.width).filter((cell) => cell.trim() !== '').length;
  if (extra) fail(null, `The row has ${record.length} values but the header has ${map.width} columns`);

  const text = (field: keyof typeof TEXT_LIMITS, normalise: (s: string) => string = (s) => s): string | null => {
    const value = raw[field];
    if (value === undefined) return null;
    if (hasControlCharacter(value)) {
      fail(field, `${header[field]} contains a control character`);
      return null;
    }
    // Measured as stored, after normalising ('İ' lower-cases to two characters).
    const named = normaliseName(value);
    const cleaned = named === null ? null : normalise(named);
    if (cleaned !== null && characterLength(cleaned) > TEXT_LIMITS[field]) {
      fail(field, `${header[field]} must be at most ${TEXT_LIMITS[field]} characters`);
      return null;
    }
    return cleaned;
  };
  const integer = (field: 'companySize' | 'budget', max: number): number | null => {
    const value = raw[field]?.trim() ?? '';
    if (value === '') return null;
    if (!DIGITS.test(value)) {
      fail(field, `${header[field]} must be a non-negative integer, got "${quote(value)}"`);
      return null;
    }
    const n = Number(value);
    if (n > max) {
      fail(field, `${header[field]} must be at most ${max}`);
      return null;
    }
    return n;
  };

  const email = normaliseEmail(raw.email ?? '');
  if (!email.ok) fail('email', email.message);
  const firstName = text('firstName');
  const lastName = text('lastName');
  const jobTitle = text('jobTitle');
  const phone = text('phone');
  const companyName = text('companyName');
  const industry = text('industry');
  const source = text('source', (s) => s.toLowerCase());
  const companySize = integer('companySize', MAX_INT4);
  const budget = integer('budget', MAX_BUDGET);

  let companyDomain: string | null = null;
  const rawDomain = raw.companyDomain?.trim() ?? '';
  if (rawDomain !== '') {
    companyDomain = normaliseDomain(rawDomain);
    if (companyDomain === null || companyDomain.length > MAX_DOMAIN_LENGTH) {
      fail('companyDomain', `${header.companyDomain} is not a valid domain, got "${quote(rawDomain)}"`);
      companyDomain = null;
    }
  }

  let country: string | null = null;
  const rawCountry = raw.country?.trim() ?? '';
  if (rawCountry !== '') {
    if (COUNTRY.test(rawCountry)) country = rawCountry.toUpperCase();
    else fail('country', `${header.country} must be a 2-letter ISO 3166 country code, got "${quote(rawCountry)}"`);
  }

  if (errors.length || !email.ok) return { kind: 'invalid', errors };
  return {
    kind: 'ok',
    value: {
      row,
      email: email.email,
      firstName,
      lastName,
      jobTitle,
      phone,
      companyName,
      companyDomain,
      industry,
      companySize,
      country,
      budget,
      source,
    },
  };
}

/**
 * The delimiter of the file, from its first line: the most frequent of `,` `;` and tab outside
 * quotes (spreadsheets in many locales export `;`). Defaults to `,`.
 */
export function detectDelimiter(csv: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}
