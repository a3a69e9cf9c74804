import type { BusinessCalendar } from './calendar';
import { addBusinessMs, businessMsBetween } from './business-time';

const MINUTE = 60_000;

export type SlaTarget = 'FIRST_RESPONSE' | 'RESOLUTION';

/**
 * A ticket's SLA clock, as stored on the ticket: the targets snapshotted at open, the business
 * time consumed before the current running stretch (`elapsedMs`), the start of that stretch
 * (`runningSince`, null while PENDING or resolved), and the due times computed when the clock
 * last (re)started — the breach job compares those, so they are only deadlines while running.
 */
export interface SlaState {
  firstResponseMinutes: number;
  resolutionMinutes: number;
  elapsedMs: number;
  runningSince: Date | null;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  firstRespondedAt: Date | null;
  resolvedAt: Date | null;
  firstResponseBreachedAt: Date | null;
  resolutionBreachedAt: Date | null;
}

export interface Breach {
  target: SlaTarget;
  dueAt: Date;
}

const targetMs = (s: SlaState, t: SlaTarget) => (t === 'FIRST_RESPONSE' ? s.firstResponseMinutes : s.resolutionMinutes) * MINUTE;
const dueOf = (s: SlaState, t: SlaTarget) => (t === 'FIRST_RESPONSE' ? s.firstResponseDueAt : s.resolutionDueAt);
const breachedAtOf = (s: SlaState, t: SlaTarget) => (t === 'FIRST_RESPONSE' ? s.firstResponseBreachedAt : s.resolutionBreachedAt);
/** A target still to be met: first response until the first response, resolution until resolved. */
const pending = (s: SlaState, t: SlaTarget) => (t === 'FIRST_RESPONSE' ? s.firstRespondedAt === null : s.resolvedAt === null);
const TARGETS: SlaTarget[] = ['FIRST_RESPONSE', 'RESOLUTION'];

/** A new ticket's clock: running from `openedAt` (from the next opening when outside hours). */
export function openSla(
  targets: { firstResponseMinutes: number; resolutionMinutes: number },
  openedAt: Date,
  cal: BusinessCalendar,
): SlaState {
  return {
    ...targets,
    elapsedMs: 0,
    runningSince: openedAt,
    firstResponseDueAt: addBusinessMs(openedAt, targets.firstResponseMinutes * MINUTE, cal),
    resolutionDueAt: addBusinessMs(openedAt, targets.resolutionMinutes * MINUTE, cal),
    firstRespondedAt: null,
    resolvedAt: null,
    firstResponseBreachedAt: null,
    resolutionBreachedAt: null,
  };
}

/** Business time the clock has counted up to `at`. */
export function elapsedBusinessMs(s: SlaState, at: Date, cal: BusinessCalendar): number {
  return s.elapsedMs + (s.runningSince ? businessMsBetween(s.runningSince, at, cal) : 0);
}

/** Is `target` missed at `at`? Running: past its due time. Stopped: more business time than the target. */
export function isLate(s: SlaState, target: SlaTarget, at: Date, cal: BusinessCalendar): boolean {
  if (s.runningSince) return at.getTime() > dueOf(s, target).getTime();
  return elapsedBusinessMs(s, at, cal) > targetMs(s, target);
}

/**
 * Mark the pending targets missed at `at` that no one marked yet (the breach job marks them
 * while running; a write that stops the clock marks the ones it finds late first). Each target
 * is marked once per ticket: the returned breaches are the ones to announce.
 */
export function markLate(
  s: SlaState,
  at: Date,
  cal: BusinessCalendar,
  targets: readonly SlaTarget[] = TARGETS,
): { state: SlaState; breaches: Breach[] } {
  const breaches: Breach[] = [];
  const next = { ...s };
  for (const t of targets) {
    if (!pending(s, t) || breachedAtOf(s, t) || !isLate(s, t, at, cal)) continue;
    const dueAt = dueOf(s, t);
    breaches.push({ target: t, dueAt });
    if (t === 'FIRST_RESPONSE') next.firstResponseBreachedAt = dueAt;
    else next.resolutionBreachedAt = dueAt;
  }
  return { state: next, breaches };
}

/** Stop the clock (PENDING): time counted so far is kept. */
export function pauseSla(s: SlaState, at: Date, cal: BusinessCalendar): { state: SlaState; breaches: Breach[] } {
  const marked = markLate(s, at, cal);
  if (!s.runningSince) return marked;
  return { ...marked, state: { ...marked.state, elapsedMs: elapsedBusinessMs(s, at, cal), runningSince: null } };
}

/**
 * Restart the clock at `at`; the due times of pending targets move by the time it stood still.
 * A target already past its budget keeps its old due time (it is already marked as breached).
 */
export function resumeSla(s: SlaState, at: Date, cal: BusinessCalendar): SlaState {
  if (s.runningSince) return s;
  const next = { ...s, runningSince: at };
  for (const t of TARGETS) {
    const left = targetMs(s, t) - s.elapsedMs;
    if (!pending(s, t) || left <= 0) continue;
    const due = addBusinessMs(at, left, cal);
    if (t === 'FIRST_RESPONSE') next.firstResponseDueAt = due;
    else next.resolutionDueAt = due;
  }
  return next;
}

export interface FirstResponse {
  state: SlaState;
  breaches: Breach[];
  breached: boolean;
  businessMinutes: number;
}

/** The first public response by an agent at `at`: stops the first-response target. */
export function respondFirst(s: SlaState, at: Date, cal: BusinessCalendar): FirstResponse {
  // Only this target is judged here; a late resolution is left to the job (or the resolve).
  const marked = markLate(s, at, cal, ['FIRST_RESPONSE']);
  const state = { ...marked.state, firstRespondedAt: at };
  return {
    state,
    breaches: marked.breaches,
    breached: state.firstResponseBreachedAt !== null,
    businessMinutes: Math.floor(elapsedBusinessMs(s, at, cal) / MINUTE),
  };
}

export interface Resolution {
  state: SlaState;
  breaches: Breach[];
  breached: boolean;
  firstResponseBreached: boolean;
  businessMinutes: number;
}

/** RESOLVED at `at`: the clock stops; both targets are judged now. */
export function resolveSla(s: SlaState, at: Date, cal: BusinessCalendar): Resolution {
  const paused = pauseSla(s, at, cal);
  const state = { ...paused.state, resolvedAt: at };
  return {
    state,
    breaches: paused.breaches,
    breached: state.resolutionBreachedAt !== null,
    firstResponseBreached: state.firstResponseBreachedAt !== null,
    businessMinutes: Math.floor(state.elapsedMs / MINUTE),
  };
}

/** RESOLVED -> OPEN: the resolution target is pending again and the clock restarts. */
export function reopenSla(s: SlaState, at: Date, cal: BusinessCalendar): SlaState {
  return resumeSla({ ...s, resolvedAt: null }, at, cal);
}
