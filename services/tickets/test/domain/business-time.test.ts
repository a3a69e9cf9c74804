import {
  addBusinessMinutes,
  BusinessCalendar,
  businessMsBetween,
  DEFAULT_CALENDAR,
  localToInstant,
  zoneOffsetMs,
  localDayOf,
} from '../../src/domain';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const cal = (extra: Partial<BusinessCalendar> = {}): BusinessCalendar => ({ ...DEFAULT_CALENDAR, ...extra });
const minutes = (a: string, b: string, c: BusinessCalendar = DEFAULT_CALENDAR) => businessMsBetween(at(a), at(b), c) / 60_000;

// 2026-12-01 is a Tuesday; 2026-12-04 a Friday; 2026-12-25 a Friday.
describe('addBusinessMinutes on the default calendar (Mon-Fri 09:00-17:00 UTC)', () => {
  test.each([
    ['inside one day', '2026-12-01T10:00:00Z', 60, '2026-12-01T11:00:00Z'],
    ['exactly to the closing time', '2026-12-01T16:00:00Z', 60, '2026-12-01T17:00:00Z'],
    ['across a night', '2026-12-01T16:00:00Z', 120, '2026-12-02T10:00:00Z'],
    ['across a weekend', '2026-12-04T16:30:00Z', 60, '2026-12-07T09:30:00Z'],
    ['opened before hours', '2026-12-01T07:00:00Z', 30, '2026-12-01T09:30:00Z'],
    ['opened after hours', '2026-12-01T20:00:00Z', 60, '2026-12-02T10:00:00Z'],
    ['opened on a Saturday', '2026-12-05T12:00:00Z', 30, '2026-12-07T09:30:00Z'],
    ['several business days', '2026-12-01T09:00:00Z', 3 * 8 * 60, '2026-12-03T17:00:00Z'],
    ['zero minutes outside hours is the next opening', '2026-12-05T12:00:00Z', 0, '2026-12-07T09:00:00Z'],
  ])('%s', (_, start, mins, due) => {
    expect(iso(addBusinessMinutes(at(start), mins, DEFAULT_CALENDAR))).toBe(due);
  });

  test('holidays are skipped like weekends', () => {
    const c = cal({ holidays: ['2026-12-07', '2026-12-08'] });
    expect(iso(addBusinessMinutes(at('2026-12-04T16:30:00Z'), 60, c))).toBe('2026-12-09T09:30:00Z');
    expect(minutes('2026-12-04T09:00:00Z', '2026-12-10T09:00:00Z', c)).toBe(2 * 8 * 60); // Fri + Wed
  });

  test('a calendar without a working day is an error, not a hang', () => {
    const c = cal({ weekdays: ['MONDAY'], holidays: [] });
    expect(() => addBusinessMinutes(at('2026-12-01T00:00:00Z'), 60 * 24 * 366 * 20, c)).toThrow(/ten years/);
  });
});

describe('businessMsBetween', () => {
  test.each([
    ['same window', '2026-12-01T10:00:00Z', '2026-12-01T12:30:00Z', 150],
    ['night in between', '2026-12-01T16:00:00Z', '2026-12-02T10:00:00Z', 120],
    ['a whole weekend counts nothing', '2026-12-04T17:00:00Z', '2026-12-07T09:00:00Z', 0],
    ['a week', '2026-12-01T00:00:00Z', '2026-12-08T00:00:00Z', 5 * 480],
    ['reversed interval', '2026-12-02T10:00:00Z', '2026-12-01T10:00:00Z', 0],
  ])('%s', (_, a, b, expected) => {
    expect(minutes(a, b)).toBe(expected);
  });

  test('is the inverse of addBusinessMinutes from inside hours', () => {
    const c = cal({ timeZone: 'Europe/Paris', holidays: ['2026-12-25'] });
    const start = at('2026-12-22T14:17:00Z');
    for (const m of [1, 59, 480, 1000, 5000]) expect(businessMsBetween(start, addBusinessMinutes(start, m, c), c) / 60_000).toBe(m);
  });
});

describe('time zones and daylight saving time', () => {
  const paris = cal({ timeZone: 'Europe/Paris' });
  const newYork = cal({ timeZone: 'America/New_York' });

  test('hours are local wall-clock hours: Paris 09:00 is 08:00Z in winter and 07:00Z in summer', () => {
    expect(iso(addBusinessMinutes(at('2026-12-01T05:00:00Z'), 0, paris))).toBe('2026-12-01T08:00:00Z');
    expect(iso(addBusinessMinutes(at('2026-07-01T05:00:00Z'), 0, paris))).toBe('2026-07-01T07:00:00Z');
  });

  test('spring forward (Paris, 29 March 2026): Friday 16:00 + 2h lands Monday 10:00 CEST', () => {
    expect(iso(addBusinessMinutes(at('2026-03-27T15:00:00Z'), 120, paris))).toBe('2026-03-30T08:00:00Z');
  });

  test('fall back (Paris, 25 October 2026): Friday 16:00 + 2h lands Monday 10:00 CET', () => {
    expect(iso(addBusinessMinutes(at('2026-10-23T14:00:00Z'), 120, paris))).toBe('2026-10-26T09:00:00Z');
  });

  test('New York, both transitions (8 March and 1 November 2026)', () => {
    expect(iso(addBusinessMinutes(at('2026-03-06T21:00:00Z'), 120, newYork))).toBe('2026-03-09T14:00:00Z'); // Fri 16:00 EST -> Mon 10:00 EDT
    expect(iso(addBusinessMinutes(at('2026-10-30T20:00:00Z'), 120, newYork))).toBe('2026-11-02T15:00:00Z'); // Fri 16:00 EDT -> Mon 10:00 EST
  });

  test('a round-the-clock Sunday is 23 hours on the spring-forward day and 25 on the fall-back day', () => {
    const always = cal({ timeZone: 'Europe/Paris', weekdays: ['SUNDAY'], opensAtMinute: 0, closesAtMinute: 24 * 60 });
    expect(minutes('2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z', always)).toBe(23 * 60);
    expect(minutes('2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z', always)).toBe(25 * 60);
    expect(minutes('2026-03-21T12:00:00Z', '2026-03-23T12:00:00Z', always)).toBe(24 * 60);
  });

  test('a window inside the DST hours: opening at 02:30 on the day it does not exist opens at 03:30 CEST', () => {
    const night = cal({ timeZone: 'Europe/Paris', weekdays: ['SUNDAY'], opensAtMinute: 150, closesAtMinute: 240 });
    // 29 March: 02:30 does not exist (02:00 -> 03:00); 03:30 CEST = 01:30Z, close 04:00 CEST = 02:00Z.
    expect(minutes('2026-03-29T00:00:00Z', '2026-03-29T05:00:00Z', night)).toBe(30);
    // 25 October: 02:30 happens twice; the first (CEST, 00:30Z) opens; close 04:00 CET = 03:00Z.
    expect(minutes('2026-10-25T00:00:00Z', '2026-10-25T05:00:00Z', night)).toBe(150);
  });

  test('offsets and local days come from the IANA zone', () => {
    expect(zoneOffsetMs(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Paris')).toBe(2 * 3600_000);
    expect(zoneOffsetMs(Date.parse('2026-12-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3600_000);
    // 23:30Z on 30 Nov is already 1 December in Tokyo.
    expect(new Date(localDayOf(Date.parse('2026-11-30T23:30:00Z'), 'Asia/Tokyo') * 86_400_000).toISOString().slice(0, 10)).toBe(
      '2026-12-01',
    );
    expect(new Date(localToInstant(localDayOf(Date.parse('2026-12-01T03:00:00Z'), 'Asia/Tokyo'), 9 * 60, 'Asia/Tokyo')).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    ); // 09:00 JST
  });
});
