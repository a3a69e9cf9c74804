import { validateActivity, activityTiming, isDueWithin, ACTIVITY_KINDS } from '../../src/domain/activities';

const HOUR = 60 * 60 * 1000;
const now = new Date('2025-06-01T12:00:00Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

describe('validateActivity', () => {
  const base = { kind: 'TASK', subject: 'Send the proposal', contactId: 'c1' };

  it('returns the activity normalised', () => {
    expect(validateActivity({ ...base, subject: '  Send the proposal  ', dueAt: at(HOUR) })).toEqual({
      ok: true,
      value: { kind: 'TASK', subject: 'Send the proposal', dueAt: at(HOUR), contactId: 'c1', dealId: null },
    });
  });

  it.each(ACTIVITY_KINDS)('accepts kind %s without a due date', (kind) => {
    expect(validateActivity({ ...base, kind })).toMatchObject({ ok: true, value: { kind, dueAt: null } });
  });

  it.each([undefined, 'task', 'SMS', 1])('rejects kind %p', (kind) => {
    expect(validateActivity({ ...base, kind })).toEqual({
      ok: false,
      field: 'kind',
      message: 'kind must be one of TASK, CALL, MEETING, EMAIL, NOTE',
    });
  });

  it.each([undefined, null, '', '  \n ', 42])('rejects subject %p', (subject) => {
    expect(validateActivity({ ...base, subject })).toEqual({ ok: false, field: 'subject', message: 'subject must not be blank' });
  });

  it('allows a 200-character subject and rejects 201', () => {
    expect(validateActivity({ ...base, subject: 's'.repeat(200) })).toMatchObject({ ok: true });
    expect(validateActivity({ ...base, subject: 's'.repeat(201) })).toEqual({
      ok: false,
      field: 'subject',
      message: 'subject must be at most 200 characters',
    });
  });

  it('needs a contact or a deal', () => {
    const expected = { ok: false, field: 'contactId', message: 'An activity needs a contactId or a dealId' };
    expect(validateActivity({ kind: 'CALL', subject: 'Call' })).toEqual(expected);
    expect(validateActivity({ kind: 'CALL', subject: 'Call', contactId: null, dealId: null })).toEqual(expected);
    expect(validateActivity({ kind: 'CALL', subject: 'Call', contactId: ' ', dealId: '' })).toEqual(expected);
  });

  it('accepts a deal alone, or both links', () => {
    expect(validateActivity({ kind: 'CALL', subject: 'Call', dealId: 'd1' })).toMatchObject({
      ok: true,
      value: { contactId: null, dealId: 'd1' },
    });
    expect(validateActivity({ ...base, dealId: 'd1' })).toMatchObject({ ok: true, value: { contactId: 'c1', dealId: 'd1' } });
  });

  it('rejects an invalid due date', () => {
    expect(validateActivity({ ...base, dueAt: new Date('nope') })).toEqual({
      ok: false,
      field: 'dueAt',
      message: 'dueAt must be a valid date-time',
    });
  });

  it('refuses a due date on a note', () => {
    expect(validateActivity({ ...base, kind: 'NOTE', dueAt: at(HOUR) })).toEqual({
      ok: false,
      field: 'dueAt',
      message: 'A note has no due date',
    });
    expect(validateActivity({ ...base, kind: 'NOTE', dueAt: null })).toMatchObject({ ok: true });
  });
});

describe('activityTiming', () => {
  it.each([
    [-HOUR, 'OVERDUE'],
    [-1, 'OVERDUE'],
    [0, 'DUE_SOON'],
    [HOUR, 'DUE_SOON'],
    [24 * HOUR, 'DUE_SOON'],
    [24 * HOUR + 1, 'UPCOMING'],
    [30 * 24 * HOUR, 'UPCOMING'],
  ])('an open activity due at now %+d ms is %s', (offset, timing) => {
    expect(activityTiming({ dueAt: at(offset), completedAt: null }, now)).toBe(timing);
  });

  it('is DONE once completed, even if it was overdue', () => {
    expect(activityTiming({ dueAt: at(-48 * HOUR), completedAt: at(-HOUR) }, now)).toBe('DONE');
    expect(activityTiming({ dueAt: null, completedAt: at(-HOUR) }, now)).toBe('DONE');
  });

  it('is NO_DUE_DATE for an open activity without a due date', () => {
    expect(activityTiming({ dueAt: null, completedAt: null }, now)).toBe('NO_DUE_DATE');
  });
});

describe('isDueWithin', () => {
  it('is true for an open activity due between now and now + hours, inclusive', () => {
    expect(isDueWithin({ dueAt: at(0), completedAt: null }, now, 2)).toBe(true);
    expect(isDueWithin({ dueAt: at(2 * HOUR), completedAt: null }, now, 2)).toBe(true);
    expect(isDueWithin({ dueAt: at(2 * HOUR + 1), completedAt: null }, now, 2)).toBe(false);
    expect(isDueWithin({ dueAt: at(30 * 60 * 1000), completedAt: null }, now, 0.5)).toBe(true);
  });

  it('is false for overdue, completed or undated activities', () => {
    expect(isDueWithin({ dueAt: at(-1), completedAt: null }, now, 2)).toBe(false);
    expect(isDueWithin({ dueAt: at(HOUR), completedAt: now }, now, 2)).toBe(false);
    expect(isDueWithin({ dueAt: null, completedAt: null }, now, 2)).toBe(false);
  });

  it('agrees with activityTiming DUE_SOON at 24 hours', () => {
    for (const offset of [-HOUR, 0, 12 * HOUR, 24 * HOUR, 24 * HOUR + 1]) {
      const activity = { dueAt: at(offset), completedAt: null };
      expect(isDueWithin(activity, now, 24)).toBe(activityTiming(activity, now) === 'DUE_SOON');
    }
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('throws on hours = %p', (hours) => {
    expect(() => isDueWithin({ dueAt: now, completedAt: null }, now, hours)).toThrow(RangeError);
  });
});
