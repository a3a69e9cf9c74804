// Activities: tasks, calls, meetings, emails and notes attached to a contact and/or a deal.
import { type Validated, fieldError, characterLength } from './result';

export type ActivityKind = 'TASK' | 'CALL' | 'MEETING' | 'EMAIL' | 'NOTE';
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['TASK', 'CALL', 'MEETING', 'EMAIL', 'NOTE'];

export type ActivityTiming = 'DONE' | 'OVERDUE' | 'DUE_SOON' | 'UPCOMING' | 'NO_DUE_DATE';

export const MAX_ACTIVITY_SUBJECT_LENGTH = 200;
/** An open activity due within this many hours is DUE_SOON. */
export const DUE_SOON_HOURS = 24;

const HOUR_MS = 60 * 60 * 1000;

export interface ActivityInput {
  kind: unknown;
  subject: unknown;
  dueAt?: Date | null;
  contactId?: string | null;
  dealId?: string | null;
}

export interface ValidActivity {
  kind: ActivityKind;
  /** Trimmed. */
  subject: string;
  dueAt: Date | null;
  contactId: string | null;
  dealId: string | null;
}

/** A blank id means "not given", so `{ contactId: '' }` cannot satisfy the link rule. */
function presentId(id: string | null | undefined): string | null {
  return typeof id === 'string' && id.trim() !== '' ? id : null;
}

/**
 * Every kind may omit its due date (a call or email is often logged after the fact). A NOTE
 * records something, it is never due, so a due date on a note is refused rather than kept
 * meaningless. Returns the activity with the subject trimmed and absent links as null.
 */
export function validateActivity(input: ActivityInput): Validated<ValidActivity> {
  const { kind } = input;
  if (typeof kind !== 'string' || !(ACTIVITY_KINDS as readonly string[]).includes(kind)) {
    return fieldError('kind', `kind must be one of ${ACTIVITY_KINDS.join(', ')}`);
  }
  const subject = typeof input.subject === 'string' ? input.subject.trim() : '';
  if (subject === '') return fieldError('subject', 'subject must not be blank');
  if (characterLength(subject) > MAX_ACTIVITY_SUBJECT_LENGTH) {
    return fieldError('subject', `subject must be at most ${MAX_ACTIVITY_SUBJECT_LENGTH} characters`);
  }
  const dueAt = input.dueAt ?? null;
  if (dueAt !== null && !(dueAt instanceof Date && !Number.isNaN(dueAt.getTime()))) {
    return fieldError('dueAt', 'dueAt must be a valid date-time');
  }
  if (kind === 'NOTE' && dueAt !== null) return fieldError('dueAt', 'A note has no due date');
  const contactId = presentId(input.contactId);
  const dealId = presentId(input.dealId);
  if (contactId === null && dealId === null) {
    return fieldError('contactId', 'An activity needs a contactId or a dealId');
  }
  return { ok: true, value: { kind: kind as ActivityKind, subject, dueAt, contactId, dealId } };
}

interface ActivitySchedule {
  dueAt: Date | null;
  completedAt: Date | null;
}

/**
 * Open and due in [now, now + hours]. Overdue activities are not "due within": they are
 * OVERDUE, and reminders for them are a separate concern.
 */
export function isDueWithin(activity: ActivitySchedule, now: Date, hours: number): boolean {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`hours must be a non-negative number, got ${hours}`);
  if (activity.completedAt !== null || activity.dueAt === null) return false;
  const untilDue = activity.dueAt.getTime() - now.getTime();
  return untilDue >= 0 && untilDue <= hours * HOUR_MS;
}

/**
 * Completion wins over everything; an activity due exactly now is DUE_SOON, not yet OVERDUE;
 * one due exactly 24 hours from now is still DUE_SOON.
 */
export function activityTiming(activity: ActivitySchedule, now: Date): ActivityTiming {
  if (activity.completedAt !== null) return 'DONE';
  if (activity.dueAt === null) return 'NO_DUE_DATE';
  if (activity.dueAt.getTime() < now.getTime()) return 'OVERDUE';
  return isDueWithin(activity, now, DUE_SOON_HOURS) ? 'DUE_SOON' : 'UPCOMING';
}
