import { types } from 'pg';
import { openDatabase } from '@crm/service-kit';
import { testDatabase } from '@crm/testing';
import { crmPgTypes, parseTimestamptz } from '../src/timestamp-parser';

const pgParser = types.getTypeParser(1184, 'text') as (text: string) => Date | number;
const same = (text: string) => {
  const ours = parseTimestamptz(text) as Date | number;
  const theirs = pgParser(text);
  return { text, ours: Number(ours), theirs: Number(theirs) };
};

describe('parseTimestamptz', () => {
  test.each([
    ['2026-12-01 18:33:12.123+00', Date.UTC(2026, 11, 1, 18, 33, 12, 123)],
    ['2026-12-01 18:33:12+00', Date.UTC(2026, 11, 1, 18, 33, 12)],
    ['2026-12-01 18:33:12.5+05:30', Date.UTC(2026, 11, 1, 13, 3, 12, 500)],
    ['2026-01-01 00:00:00.999999-08', Date.UTC(2026, 0, 1, 8, 0, 0, 999)],
    ['2024-02-29 23:59:59.07-03:30', Date.UTC(2024, 2, 1, 3, 29, 59, 70)],
  ])('%s is the instant it names', (text, instant) => {
    expect((parseTimestamptz(text) as Date).getTime()).toBe(instant);
    expect(same(text).ours).toBe(same(text).theirs);
  });

  test.each([
    'infinity',
    '-infinity',
    '0044-03-15 12:00:00+00 BC',
    '12345-01-01 00:00:00+00',
    '0099-06-01 10:00:00+00',
    '1883-11-18 12:00:00-07:52:58',
    '2026-12-01 18:33:12.123',
  ])('%s goes to pg’s own parser, with its answer', (text) => {
    const { ours, theirs } = same(text);
    expect(ours).toBe(theirs);
  });

  test('10,000 random instants, fractions of 0 to 6 digits and offsets of ±14 h, parse as pg parses them', () => {
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pad = (v: number, w = 2) => String(v).padStart(w, '0');
    const differing: string[] = [];
    for (let k = 0; k < 10_000; k++) {
      const digits = next(7);
      const fraction = digits ? `.${String(next(10 ** digits)).padStart(digits, '0')}` : '';
      const offset = `${next(2) ? '+' : '-'}${pad(next(15))}${next(2) ? `:${pad(next(4) * 15)}` : ''}`;
      const text = `${pad(100 + next(9900), 4)}-${pad(1 + next(12))}-${pad(1 + next(28))} ${pad(next(24))}:${pad(next(60))}:${pad(next(60))}${fraction}${offset}`;
      const { ours, theirs } = same(text);
      if (ours !== theirs) differing.push(text);
    }
    expect(differing).toEqual([]);
  });
});

test('values read from Postgres in several session time zones are the instants pg’s own parser gives', async () => {
  const database = testDatabase('kit_timestamptz');
  const db = await openDatabase({ url: database.url, entities: [], migrations: [], poolSize: 1 });
  try {
    // Every pool of a service parses with it.
    expect((db.driver as unknown as { master: { options: { types: unknown } } }).master.options.types).toBe(crmPgTypes);
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Kiritimati']) {
      await db.query(`SET TIME ZONE '${zone}'`);
      const rows: Array<{ at: Date; text: string }> = await db.query(
        `SELECT t AS at, t::text AS text FROM generate_series('1900-01-01 00:00:00.123456+00'::timestamptz,
           '2100-01-01'::timestamptz, interval '1234 days 5 hours 6 minutes 7.891 seconds') AS t`,
      );
      expect(rows.length).toBeGreaterThan(50);
      for (const row of rows) expect([zone, row.at.getTime()]).toEqual([zone, (pgParser(row.text) as Date).getTime()]);
    }
  } finally {
    await db.destroy();
    await database.drop();
  }
});
