import { DomainError } from '@crm/service-kit';
import {
  DEFAULT_CALENDAR,
  formatClock,
  parseClock,
  validateCalendar,
  validateChannel,
  validateCommentBody,
  validatePriority,
  validateSubject,
  validateSurvey,
} from '../../src/domain';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError && err.code === 'BAD_USER_INPUT') return err.extensions.field as string;
    throw err;
  }
  return undefined;
}

describe('survey scores', () => {
  test.each([
    ['NPS', 0, true],
    ['NPS', 10, true],
    ['NPS', 11, false],
    ['NPS', -1, false],
    ['NPS', 7.5, false],
    ['CSAT', 1, true],
    ['CSAT', 5, true],
    ['CSAT', 0, false],
    ['CSAT', 6, false],
  ] as const)('%s %d valid: %s', (kind, score, valid) => {
    expect(fieldOf(() => validateSurvey({ kind, score }))).toBe(valid ? undefined : 'score');
  });

  test('kind and comment', () => {
    expect(fieldOf(() => validateSurvey({ kind: 'CES', score: 3 }))).toBe('kind');
    expect(fieldOf(() => validateSurvey({ kind: 'NPS', score: 3, comment: 'x'.repeat(5001) }))).toBe('comment');
    expect(validateSurvey({ kind: 'NPS', score: 3, comment: '  ok ' })).toEqual({ kind: 'NPS', score: 3, comment: 'ok' });
  });
});

describe('ticket fields', () => {
  test('subject, body, priority and channel', () => {
    expect(validateSubject('  Printer on fire ')).toBe('Printer on fire');
    expect(fieldOf(() => validateSubject(' '))).toBe('subject');
    expect(fieldOf(() => validateSubject('😀'.repeat(201)))).toBe('subject');
    expect(validateSubject('😀'.repeat(200))).toHaveLength(400);
    expect(fieldOf(() => validateCommentBody(''))).toBe('body');
    expect(validatePriority(undefined)).toBe('NORMAL');
    expect(fieldOf(() => validatePriority('CRITICAL'))).toBe('priority');
    expect(validateChannel(null)).toBe('API');
    expect(fieldOf(() => validateChannel('FAX'))).toBe('channel');
  });
});

describe('business hours', () => {
  test('clock strings', () => {
    expect(parseClock('09:30', 'opensAt')).toBe(570);
    expect(parseClock('24:00', 'closesAt')).toBe(1440);
    expect(formatClock(570)).toBe('09:30');
    for (const bad of ['9:30', '24:01', '12:60', 'noon']) expect(fieldOf(() => parseClock(bad, 'opensAt'))).toBe('opensAt');
  });

  test('calendar rules name their field', () => {
    expect(fieldOf(() => validateCalendar({ ...DEFAULT_CALENDAR, weekdays: [] }))).toBe('weekdays');
    expect(fieldOf(() => validateCalendar({ ...DEFAULT_CALENDAR, weekdays: ['MONDAY', 'MONDAY'] }))).toBe('weekdays');
    expect(fieldOf(() => validateCalendar({ ...DEFAULT_CALENDAR, opensAtMinute: 600, closesAtMinute: 600 }))).toBe('closesAt');
    expect(fieldOf(() => validateCalendar({ ...DEFAULT_CALENDAR, timeZone: 'Mars/Olympus' }))).toBe('timeZone');
    expect(fieldOf(() => validateCalendar({ ...DEFAULT_CALENDAR, holidays: ['2026-02-30'] }))).toBe('holidays');
  });

  test('a valid calendar comes back normalised: weekdays in order, holidays sorted and unique', () => {
    expect(
      validateCalendar({ ...DEFAULT_CALENDAR, weekdays: ['FRIDAY', 'MONDAY'], holidays: ['2026-12-25', '2026-01-01', '2026-12-25'] }),
    ).toEqual({
      ...DEFAULT_CALENDAR,
      weekdays: ['MONDAY', 'FRIDAY'],
      holidays: ['2026-01-01', '2026-12-25'],
    });
  });
});
