import {
  DEFAULT_CALENDAR,
  dueAt,
  firstResponseBreached,
  markLate,
  openSla,
  pauseSla,
  remainingMinutes,
  reopenSla,
  resolutionBreached,
  resolveSla,
  respondFirst,
  resumeSla,
  slaBreached,
  slaPaused,
} from '../../src/domain';

const at = (iso: string) => new Date(iso);
const cal = DEFAULT_CALENDAR; // Mon-Fri 09:00-17:00 UTC; 2026-12-01 is a Tuesday
const targets = { firstResponseMinutes: 60, resolutionMinutes: 480 };

describe('opening a ticket', () => {
  test('inside hours: due times are the targets in business time from now', () => {
    const s = openSla(targets, at('2026-12-01T10:00:00Z'), cal);
    expect(s.firstResponseDueAt.toISOString()).toBe('2026-12-01T11:00:00.000Z');
    expect(s.resolutionDueAt.toISOString()).toBe('2026-12-02T10:00:00.000Z');
    expect(remainingMinutes(s, at('2026-12-01T10:20:00Z'), cal)).toBe(40);
    expect(slaPaused(s)).toBe(false);
  });

  test('outside hours (Saturday night): the clock starts Monday 09:00', () => {
    const s = openSla(targets, at('2026-12-05T22:00:00Z'), cal);
    expect(s.firstResponseDueAt.toISOString()).toBe('2026-12-07T10:00:00.000Z');
    expect(remainingMinutes(s, at('2026-12-07T08:00:00Z'), cal)).toBe(60);
  });
});

describe('first response', () => {
  test('on time: not breached, business minutes counted', () => {
    const s = openSla(targets, at('2026-12-01T16:50:00Z'), cal);
    const r = respondFirst(s, at('2026-12-02T09:30:00Z'), cal);
    expect(r).toMatchObject({ breached: false, businessMinutes: 40, breaches: [] });
    expect(r.state.firstRespondedAt?.toISOString()).toBe('2026-12-02T09:30:00.000Z');
    expect(firstResponseBreached(r.state, at('2026-12-03T00:00:00Z'))).toBe(false);
  });

  test('late and not yet marked by the job: breached, and the breach is announced here', () => {
    const s = openSla(targets, at('2026-12-01T10:00:00Z'), cal);
    const r = respondFirst(s, at('2026-12-01T11:30:00Z'), cal);
    expect(r.breached).toBe(true);
    expect(r.breaches).toEqual([{ target: 'FIRST_RESPONSE', dueAt: at('2026-12-01T11:00:00Z') }]);
    expect(r.businessMinutes).toBe(90);
  });

  test('late and already marked: breached, nothing announced twice', () => {
    const s = { ...openSla(targets, at('2026-12-01T10:00:00Z'), cal), firstResponseBreachedAt: at('2026-12-01T11:00:00Z') };
    const r = respondFirst(s, at('2026-12-01T12:00:00Z'), cal);
    expect(r).toMatchObject({ breached: true, breaches: [] });
  });
});

describe('PENDING stops the clock', () => {
  test('a pause spanning a weekend moves the due times by the business time it stood still', () => {
    const s = openSla(targets, at('2026-12-04T10:00:00Z'), cal); // Friday
    const paused = pauseSla(s, at('2026-12-04T10:30:00Z'), cal);
    expect(paused.state).toMatchObject({ elapsedMs: 30 * 60_000, runningSince: null });
    expect(paused.breaches).toEqual([]);
    expect(slaPaused(paused.state)).toBe(true);
    // While paused, nothing is breached however late it gets, and the shown due time floats.
    expect(slaBreached(paused.state, at('2026-12-08T00:00:00Z'))).toBe(false);
    expect(dueAt(paused.state, 'FIRST_RESPONSE', at('2026-12-05T12:00:00Z'), cal)?.toISOString()).toBe('2026-12-07T09:30:00.000Z');
    expect(remainingMinutes(paused.state, at('2026-12-06T12:00:00Z'), cal)).toBe(30);
    const resumed = resumeSla(paused.state, at('2026-12-07T14:00:00Z'), cal); // Monday
    expect(resumed.firstResponseDueAt.toISOString()).toBe('2026-12-07T14:30:00.000Z');
    expect(resumed.resolutionDueAt.toISOString()).toBe('2026-12-08T13:30:00.000Z'); // 450 min left: 180 Mon + 270 Tue
  });

  test('pausing after a due time passed marks the breach the job has not seen', () => {
    const s = openSla(targets, at('2026-12-01T10:00:00Z'), cal);
    const paused = pauseSla(s, at('2026-12-01T11:10:00Z'), cal);
    expect(paused.breaches.map((b) => b.target)).toEqual(['FIRST_RESPONSE']);
    expect(paused.state.firstResponseBreachedAt?.toISOString()).toBe('2026-12-01T11:00:00.000Z');
    // Resumed with its budget spent, the target keeps its old due time and stays breached.
    const resumed = resumeSla(paused.state, at('2026-12-02T09:00:00Z'), cal);
    expect(resumed.firstResponseDueAt.toISOString()).toBe('2026-12-01T11:00:00.000Z');
    expect(firstResponseBreached(resumed, at('2026-12-02T09:00:00Z'))).toBe(true);
    expect(remainingMinutes(resumed, at('2026-12-02T09:00:00Z'), cal)).toBe(-10);
  });
});

describe('resolution and reopening', () => {
  test('resolved in time: both targets judged, business minutes exclude the pause', () => {
    let s = openSla(targets, at('2026-12-01T10:00:00Z'), cal);
    s = respondFirst(s, at('2026-12-01T10:20:00Z'), cal).state;
    s = pauseSla(s, at('2026-12-01T11:00:00Z'), cal).state;
    s = resumeSla(s, at('2026-12-03T09:00:00Z'), cal);
    const r = resolveSla(s, at('2026-12-03T10:00:00Z'), cal);
    expect(r).toMatchObject({ breached: false, firstResponseBreached: false, businessMinutes: 120, breaches: [] });
    expect(r.state.runningSince).toBeNull();
    expect(remainingMinutes(r.state, at('2026-12-04T10:00:00Z'), cal)).toBeNull();
    expect(slaPaused(r.state)).toBe(false);
  });

  test('resolved late without any response: both breaches announced once', () => {
    const s = openSla(targets, at('2026-12-01T10:00:00Z'), cal);
    const r = resolveSla(s, at('2026-12-02T12:00:00Z'), cal);
    expect(r.breaches.map((b) => b.target)).toEqual(['FIRST_RESPONSE', 'RESOLUTION']);
    expect(r).toMatchObject({ breached: true, firstResponseBreached: true, businessMinutes: 600 });
    expect(markLate(r.state, at('2026-12-03T00:00:00Z'), cal).breaches).toEqual([]);
  });

  test('reopen restarts the clock where it stopped', () => {
    let s = openSla(targets, at('2026-12-01T10:00:00Z'), cal);
    s = respondFirst(s, at('2026-12-01T10:10:00Z'), cal).state;
    s = resolveSla(s, at('2026-12-01T12:00:00Z'), cal).state; // 120 of 480 used
    const reopened = reopenSla(s, at('2026-12-02T09:00:00Z'), cal);
    expect(reopened.resolvedAt).toBeNull();
    expect(reopened.resolutionDueAt.toISOString()).toBe('2026-12-02T15:00:00.000Z');
    expect(resolutionBreached(reopened, at('2026-12-02T15:00:01Z'))).toBe(true);
    expect(resolutionBreached(reopened, at('2026-12-02T14:59:59Z'))).toBe(false);
  });
});

describe('breach flags between job runs', () => {
  test('a running clock past its due time is breached before the job marks it', () => {
    const s = openSla(targets, at('2026-12-01T10:00:00Z'), cal);
    expect(firstResponseBreached(s, at('2026-12-01T11:00:00Z'))).toBe(false);
    expect(firstResponseBreached(s, at('2026-12-01T11:00:01Z'))).toBe(true);
    expect(slaBreached(s, at('2026-12-01T11:00:01Z'))).toBe(true);
    expect(resolutionBreached(s, at('2026-12-01T11:00:01Z'))).toBe(false);
  });
});

test('a late first response judges only the first-response target (resolution is announced by the job or the resolve)', () => {
  const s = openSla({ firstResponseMinutes: 1, resolutionMinutes: 1 }, at('2026-12-01T10:00:00Z'), cal);
  const r = respondFirst(s, at('2026-12-01T10:05:00Z'), cal);
  expect(r.breaches.map((b) => b.target)).toEqual(['FIRST_RESPONSE']);
  expect(r.state.resolutionBreachedAt).toBeNull();
  expect(markLate(r.state, at('2026-12-01T10:05:00Z'), cal).breaches.map((b) => b.target)).toEqual(['RESOLUTION']);
});
