import { Readable } from 'node:stream';
import { parse, type Options as CsvOptions } from 'csv-parse';
import type { DataSource } from 'typeorm';
import { badInput, domainError, isTransientConflict, sqlState, type Actor } from '@crm/service-kit';
import { ColumnMap, ContactRow, detectDelimiter, mapHeader, mapRow, RowError } from '../domain/csv-rows';
import { applyChunk, ConcurrentContactWrite, type Outcome } from './import-chunk';

// importContacts (docs/api.md): a CSV of contacts, applied with captureLead's rules, in bulk.
//
// - Two passes over the string, both streaming (csv-parse fed 64 KB slices): the first only
//   checks that the file is well-formed CSV and reads the header, so a malformed file writes
//   nothing; the second maps and validates rows (domain/csv-rows.ts) and applies them in chunks.
//   Only one chunk of rows is alive at a time.
// - A chunk is ONE transaction of set-based statements (unnest arrays): advisory locks on its
//   emails (the ones captureLead takes, so the two serialise), companies upserted by
//   (tenant_id, domain) or matched by name, the existing contacts locked FOR UPDATE, then the
//   rows are played in file order in memory (fill-empty merge, stage changes, scoring, owner
//   assignment, events), and the result is written: one upsert of the contacts
//   (ON CONFLICT (tenant_id, email) ... RETURNING (xmax = 0) AS inserted), one insert each of
//   stage_changes and contact_touches, the events through emitMany (slices of 500).
// - All-or-nothing per row: when a chunk's transaction fails, its rows are retried one per
//   transaction, so only the rows that really cannot be written fail (reported with their row
//   number); errors that are not about a row (the database is down, a bug) abort the import.

export interface ImportRowError {
  /** Spreadsheet row number: the header is row 1, the first data row row 2. */
  row: number;
  /** The field (as in CaptureLeadInput: email, companySize ...), or null for the whole row. */
  field: string | null;
  message: string;
}

export interface ImportResult {
  /** Rows that created a contact. */
  created: number;
  /** Rows that changed an existing contact (filled empty fields, or identified a visitor). */
  updated: number;
  /** Rows about an existing contact that brought nothing new (a touch is still recorded). */
  unchanged: number;
  /** Rows not applied at all: invalid, or refused by the database. */
  failed: number;
  /** The first MAX_REPORTED_ERRORS row errors, by row; a row can have several (one per field). */
  errors: ImportRowError[];
  /** Row errors left out of `errors`. */
  truncatedErrors: number;
  /** Header columns that map to no field, as written in the file. */
  ignoredColumns: string[];
}

export interface ImportOptions {
  /** Rows per transaction (default 1,000). */
  chunkSize?: number;
  /** Called after each chunk with the number of data rows handled so far (blank and failed included). */
  onProgress?: (rowsDone: number) => void;
  /** When the rows were captured (default now; the demo seed places its captures in the past). */
  now?: Date;
}

export const DEFAULT_CHUNK_SIZE = 1_000;
/** Each row of a chunk holds an advisory lock until commit: keep the lock table small. */
export const MAX_CHUNK_SIZE = 5_000;
export const MAX_REPORTED_ERRORS = 1_000;
/** Rows per import (blank rows included); the request body is capped at 16 MB besides. */
export const MAX_IMPORT_ROWS = 100_000;
/** A record longer than this is an unclosed quote swallowing the file, not data. */
const MAX_RECORD_CHARS = 1_000_000;
const SLICE_CHARS = 64 * 1024;
/** Attempts of a single row when it loses a race (deadlock, concurrent insert of its email). */
const ROW_ATTEMPTS = 3;

export async function importContacts(db: DataSource, actor: Actor, csv: string, options: ImportOptions = {}): Promise<ImportResult> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer from 1 to ${MAX_CHUNK_SIZE}`);
  }
  if (typeof csv !== 'string' || csv.trim() === '')
    throw badInput('csv', 'The CSV is empty: expected a header row, then one row per contact');
  const parseOptions: CsvOptions = {
    bom: true,
    delimiter: detectDelimiter(csv),
    relax_column_count: true, // short rows are fine (missing trailing cells); long ones are row errors
    relax_quotes: true, // Jane "JJ" Doe in an unquoted cell is text, not an error
    max_record_size: MAX_RECORD_CHARS,
  };

  const header = await readHeaderOfWellFormed(csv, parseOptions);
  const mapped = mapHeader(header);
  if (!mapped.ok) throw badInput('csv', mapped.message);
  const columns: ColumnMap = mapped.map;

  const result: ImportResult = {
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    errors: [],
    truncatedErrors: 0,
    ignoredColumns: columns.ignoredColumns,
  };
  // Rows read since the last flush: the valid ones wait in `pending`, the errors of the invalid
  // ones in `windowErrors` (reported with the chunk's own, so `errors` stays in row order).
  let pending: ContactRow[] = [];
  let windowErrors: RowError[] = [];
  let windowRows = 0;
  let rowsDone = 0;

  const flush = async () => {
    if (pending.length) {
      const tally = await applyRows(db, actor, pending, options.now ?? new Date());
      result.created += tally.created;
      result.updated += tally.updated;
      result.unchanged += tally.unchanged;
      result.failed += tally.failed;
      windowErrors.push(...tally.errors);
    }
    windowErrors.sort((a, b) => a.row - b.row);
    for (const e of windowErrors) {
      if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(e);
      else result.truncatedErrors++;
    }
    rowsDone += windowRows;
    pending = [];
    windowErrors = [];
    windowRows = 0;
    options.onProgress?.(rowsDone);
  };

  let rowNumber = 0;
  for await (const record of readRecords(csv, parseOptions)) {
    rowNumber++;
    if (rowNumber === 1) continue; // the header
    const row = mapRow(record, columns, rowNumber);
    if (row.kind === 'ok') pending.push(row.value);
    else if (row.kind === 'invalid') {
      result.failed++;
      windowErrors.push(...row.errors);
    }
    windowRows++;
    if (windowRows >= chunkSize) await flush();
  }
  if (windowRows) await flush();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** The string in slices, never splitting a surrogate pair (the parser encodes each slice). */
function* slices(s: string): Generator<string> {
  for (let i = 0; i < s.length;) {
    let end = Math.min(s.length, i + SLICE_CHARS);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield s.slice(i, end);
    i = end;
  }
}

/** Records as they are parsed, with backpressure: the next slice is parsed when these are used. */
async function* readRecords(csv: string, options: CsvOptions): AsyncGenerator<string[]> {
  const parser = parse(options);
  const source = Readable.from(slices(csv));
  source.pipe(parser);
  try {
    for await (const record of parser) yield record as string[];
  } finally {
    source.unpipe(parser);
    source.destroy();
    parser.destroy();
  }
}

/** Pass 1: the whole file must parse (else BAD_USER_INPUT naming the line); returns the header. */
async function readHeaderOfWellFormed(csv: string, options: CsvOptions): Promise<string[]> {
  let header: string[] | undefined;
  let lastRecordLine = 0;
  let records = 0;
  const checkOnly: CsvOptions = {
    ...options,
    on_record: (record: string[], info: { lines: number }) => {
      header ??= record;
      lastRecordLine = info.lines;
      records++;
      return null; // keep nothing
    },
  };
  try {
    for await (const _ of readRecords(csv, checkOnly)) {
      // on_record drops every record: this loop only drives the parser
    }
  } catch (err) {
    throw malformed(err, lastRecordLine + 1);
  }
  if (!header) throw badInput('csv', 'The CSV is empty: expected a header row, then one row per contact');
  // Checked before anything is written: an import is bounded work, not a file of any size.
  if (records - 1 > MAX_IMPORT_ROWS) throw badInput('csv', `The CSV has ${records - 1} data rows; at most ${MAX_IMPORT_ROWS} per import`);
  return header;
}

function malformed(err: unknown, recordLine: number): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('CSV_')) return err;
  const line = (err as { lines?: unknown }).lines;
  const at = typeof line === 'number' ? line : recordLine;
  const [message, where] =
    code === 'CSV_QUOTE_NOT_CLOSED'
      ? [`Malformed CSV: a quote opened in the record starting on line ${recordLine} is never closed`, recordLine]
      : code === 'CSV_MAX_RECORD_SIZE'
        ? [
            `Malformed CSV: the record starting on line ${recordLine} is longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?)`,
            recordLine,
          ]
        : [`Malformed CSV on line ${at}: ${(err as Error).message}`, at];
  return domainError('BAD_USER_INPUT', message, { field: 'csv', line: where });
}

// ---------------------------------------------------------------------------------------------
// Applying rows

interface Tally {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: RowError[];
}

const tallyOf = (outcomes: Outcome[]): Tally => {
  const t: Tally = { created: 0, updated: 0, unchanged: 0, failed: 0, errors: [] };
  for (const o of outcomes) t[o]++;
  return t;
};

const isRetryable = (err: unknown) => err instanceof ConcurrentContactWrite || isTransientConflict(err);

/**
 * The message of an error that is this row's fault (bad data the database refuses: data
 * exceptions, constraint violations, trigger RAISEs), or null when it is not about the row.
 */
function rowFailure(err: unknown): string | null {
  if (isRetryable(err)) return 'The row could not be saved: the contact was changed concurrently, import the row again';
  const state = sqlState(err);
  if (state && (state.startsWith('22') || state.startsWith('23') || state === 'P0001')) {
    const e = err as { driverError?: { message?: string }; message?: string };
    return `The row could not be saved: ${e.driverError?.message ?? e.message}`;
  }
  return null;
}

/** A chunk in one transaction; if that fails, its rows one transaction each. */
async function applyRows(db: DataSource, actor: Actor, rows: ContactRow[], now: Date): Promise<Tally> {
  try {
    return tallyOf(await db.transaction((m) => applyChunk(m, actor, rows, now)));
  } catch {
    // Rolled back as a whole: find the rows that cannot be applied. Any error that is not a
    // row's fault is thrown by applyOne (the first row meets it too) and aborts the import.
    const tally: Tally = { created: 0, updated: 0, unchanged: 0, failed: 0, errors: [] };
    for (const row of rows) {
      const one = await applyOne(db, actor, row, now);
      tally.created += one.created;
      tally.updated += one.updated;
      tally.unchanged += one.unchanged;
      tally.failed += one.failed;
      tally.errors.push(...one.errors);
    }
    return tally;
  }
}

async function applyOne(db: DataSource, actor: Actor, row: ContactRow, now: Date): Promise<Tally> {
  for (let attempt = 1; ; attempt++) {
    try {
      return tallyOf(await db.transaction((m) => applyChunk(m, actor, [row], now)));
    } catch (err) {
      if (isRetryable(err) && attempt < ROW_ATTEMPTS) continue;
      const message = rowFailure(err);
      if (message === null) throw err;
      return { created: 0, updated: 0, unchanged: 0, failed: 1, errors: [{ row: row.row, field: null, message }] };
    }
  }
}
