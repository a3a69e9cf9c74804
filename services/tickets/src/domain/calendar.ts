import { badInput } from '@crm/service-kit';

/** ISO weekday numbers: 1 = Monday ... 7 = Sunday. */
export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A tenant's business hours: the weekdays it works, one opening window per working day in local
 * wall-clock minutes (opensAt < closesAt, 24:00 allowed), its IANA time zone and holidays
 * (local dates YYYY-MM-DD). The SLA clock only runs inside these windows.
 */
export interface BusinessCalendar {
  weekdays: Weekday[];
  opensAtMinute: number;
  closesAtMinute: number;
  timeZone: string;
  holidays: string[];
}

export const DEFAULT_CALENDAR: BusinessCalendar = {
  weekdays: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
  opensAtMinute: 9 * 60,
  closesAtMinute: 17 * 60,
  timeZone: 'UTC',
  holidays: [],
};

export const MAX_HOLIDAYS = 1000;

/** "09:30" -> 570; "24:00" is the end of the day. */
export function parseClock(value: string, field: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value ?? '');
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || minutes > 24 * 60) throw badInput(field, `${field} must be a time written HH:MM (00:00 to 24:00)`);
  return minutes;
}

export const formatClock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export function isTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || !zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function isLocalDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Throws BAD_USER_INPUT naming the field of the first problem. */
export function validateCalendar(c: BusinessCalendar): BusinessCalendar {
  if (!c.weekdays.length) throw badInput('weekdays', 'weekdays must name at least one day');
  if (new Set(c.weekdays).size !== c.weekdays.length) throw badInput('weekdays', 'weekdays must not repeat a day');
  if (c.opensAtMinute >= c.closesAtMinute) throw badInput('closesAt', 'closesAt must be after opensAt');
  if (!isTimeZone(c.timeZone)) throw badInput('timeZone', 'timeZone must be an IANA time zone such as Europe/Paris');
  if (c.holidays.length > MAX_HOLIDAYS) throw badInput('holidays', `at most ${MAX_HOLIDAYS} holidays`);
  for (const h of c.holidays) if (!isLocalDate(h)) throw badInput('holidays', `holiday ${h} must be a date written YYYY-MM-DD`);
  const weekdays = WEEKDAYS.filter((d) => c.weekdays.includes(d));
  return {
    ...c,
    weekdays,
    timeZone: new Intl.DateTimeFormat('en-US', { timeZone: c.timeZone }).resolvedOptions().timeZone,
    holidays: [...new Set(c.holidays)].sort(),
  };
}
