import { BusinessCalendar, WEEKDAYS } from './calendar';

// Business-time arithmetic over a BusinessCalendar, with the local wall clock of the calendar's
// IANA zone from Intl.DateTimeFormat (DST included): pure, no clock of its own.

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Ten years of days: a calendar with working days always finds one well within this. */
const MAX_DAYS = 3660;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's UTC offset at `instantMs`, in ms (local = utc + offset). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(timeZone).formatToParts(new Date(instantMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** A local calendar day as days since 1970-01-01 (its weekday and date need no zone). */
export const localDayOf = (instantMs: number, timeZone: string) => Math.floor((instantMs + zoneOffsetMs(instantMs, timeZone)) / DAY);

export function isoDateOfDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

const weekdayOfDay = (day: number) => WEEKDAYS[(new Date(day * DAY).getUTCDay() + 6) % 7];

/**
 * The instant of local wall-clock `minute` on local `day`, disambiguated like Temporal's
 * "compatible": a repeated autumn time is its first occurrence; a time skipped by a spring-forward
 * gap moves forward by the gap (02:30 that never happened reads 03:30).
 */
export function localToInstant(day: number, minute: number, timeZone: string): number {
  const wall = day * DAY + minute * MINUTE;
  const before = wall - zoneOffsetMs(wall - DAY / 2, timeZone);
  const after = wall - zoneOffsetMs(wall + DAY / 2, timeZone);
  const valid = [before, after].filter((c) => c + zoneOffsetMs(c, timeZone) === wall);
  return valid.length ? Math.min(...valid) : before;
}

/** The business window [open, close) of local `day` in UTC ms, or null on a day off. */
export function windowOfDay(day: number, cal: BusinessCalendar): [number, number] | null {
  if (!cal.weekdays.includes(weekdayOfDay(day))) return null;
  if (cal.holidays.includes(isoDateOfDay(day))) return null;
  const open = localToInstant(day, cal.opensAtMinute, cal.timeZone);
  const close = localToInstant(day, cal.closesAtMinute, cal.timeZone);
  return close > open ? [open, close] : null;
}

/**
 * The instant at which `ms` of business time have passed after `start`. Zero business time
 * from inside a window is `start` itself; from outside, the next opening.
 */
export function addBusinessMs(start: Date, ms: number, cal: BusinessCalendar): Date {
  let left = Math.max(0, ms);
  const startMs = start.getTime();
  let day = localDayOf(startMs, cal.timeZone) - 1; // a window can begin the local day before in UTC terms
  for (let i = 0; i < MAX_DAYS; i++, day++) {
    const w = windowOfDay(day, cal);
    if (!w || w[1] <= startMs) continue;
    const from = Math.max(w[0], startMs);
    if (left === 0) return new Date(from);
    if (from + left <= w[1]) return new Date(from + left);
    left -= w[1] - from;
  }
  throw new Error('the business calendar has no working time in the next ten years');
}

export const addBusinessMinutes = (start: Date, minutes: number, cal: BusinessCalendar) => addBusinessMs(start, minutes * MINUTE, cal);

/** Business time, in ms, inside [from, to). */
export function businessMsBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  let total = 0;
  const last = localDayOf(b, cal.timeZone) + 1;
  for (let day = localDayOf(a, cal.timeZone) - 1; day <= last; day++) {
    const w = windowOfDay(day, cal);
    if (!w) continue;
    const lo = Math.max(w[0], a);
    const hi = Math.min(w[1], b);
    if (hi > lo) total += hi - lo;
  }
  return total;
}
