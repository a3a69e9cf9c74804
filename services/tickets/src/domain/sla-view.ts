import type { BusinessCalendar } from './calendar';
import { addBusinessMs } from './business-time';
import { elapsedBusinessMs, SlaState, SlaTarget } from './sla-clock';

const MINUTE = 60_000;

// What `Ticket.sla` shows at `now`. Breach flags need no calendar (one less query for lists);
// due times need it only while the clock stands still, remaining minutes always.

const runningLate = (s: SlaState, due: Date, now: Date) => s.runningSince !== null && now.getTime() > due.getTime();

export function firstResponseBreached(s: SlaState, now: Date): boolean {
  return s.firstResponseBreachedAt !== null || (s.firstRespondedAt === null && runningLate(s, s.firstResponseDueAt, now));
}

export function resolutionBreached(s: SlaState, now: Date): boolean {
  return s.resolutionBreachedAt !== null || (s.resolvedAt === null && runningLate(s, s.resolutionDueAt, now));
}

export const slaBreached = (s: SlaState, now: Date) => firstResponseBreached(s, now) || resolutionBreached(s, now);

/** Paused: waiting on the customer (clock stopped, not resolved). */
export const slaPaused = (s: SlaState) => s.runningSince === null && s.resolvedAt === null;

/**
 * A pending target's due time: the stored one while running; while paused, where it would land
 * if the clock restarted now. Null once the target is met.
 */
export function dueAt(s: SlaState, target: SlaTarget, now: Date, cal: BusinessCalendar): Date | null {
  const met = target === 'FIRST_RESPONSE' ? s.firstRespondedAt !== null : s.resolvedAt !== null;
  const stored = target === 'FIRST_RESPONSE' ? s.firstResponseDueAt : s.resolutionDueAt;
  if (met || !slaPaused(s)) return stored;
  const left = (target === 'FIRST_RESPONSE' ? s.firstResponseMinutes : s.resolutionMinutes) * MINUTE - s.elapsedMs;
  return left > 0 ? addBusinessMs(now, left, cal) : stored;
}

/**
 * Business minutes left before the nearest pending target (negative once it is missed), or null
 * when nothing is pending (resolved).
 */
export function remainingMinutes(s: SlaState, now: Date, cal: BusinessCalendar): number | null {
  const target = s.firstRespondedAt === null ? s.firstResponseMinutes : s.resolvedAt === null ? s.resolutionMinutes : null;
  if (target === null) return null;
  return Math.trunc((target * MINUTE - elapsedBusinessMs(s, now, cal)) / MINUTE);
}
