import { TICKET_CHANNELS, TICKET_PRIORITIES } from '@crm/events';
import { badInput, characterLength, MAX_USER_ID_LENGTH } from '@crm/service-kit';

export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

export const MAX_SUBJECT = 200;
export const MAX_DESCRIPTION = 10_000;
export const MAX_COMMENT = 10_000;

export function validateSubject(subject: unknown): string {
  const s = typeof subject === 'string' ? subject.trim() : '';
  if (!s || characterLength(s) > MAX_SUBJECT) throw badInput('subject', `subject must be 1 to ${MAX_SUBJECT} characters`);
  return s;
}

export function validateDescription(description: unknown): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== 'string' || characterLength(description) > MAX_DESCRIPTION) {
    throw badInput('description', `description must be at most ${MAX_DESCRIPTION} characters`);
  }
  return description.trim() || null;
}

export function validateCommentBody(body: unknown): string {
  const s = typeof body === 'string' ? body.trim() : '';
  if (!s || characterLength(s) > MAX_COMMENT) throw badInput('body', `body must be 1 to ${MAX_COMMENT} characters`);
  return s;
}

export function validatePriority(priority: unknown): TicketPriority {
  if (priority === undefined || priority === null) return 'NORMAL';
  if (!(TICKET_PRIORITIES as readonly unknown[]).includes(priority))
    throw badInput('priority', `priority must be one of ${TICKET_PRIORITIES.join(', ')}`);
  return priority as TicketPriority;
}

export function validateChannel(channel: unknown): TicketChannel {
  if (channel === undefined || channel === null) return 'API';
  if (!(TICKET_CHANNELS as readonly unknown[]).includes(channel))
    throw badInput('channel', `channel must be one of ${TICKET_CHANNELS.join(', ')}`);
  return channel as TicketChannel;
}

/** A user id (agent) as every user-id column stores it. */
export function validateUserId(value: unknown, field: string): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (!s || s.length > MAX_USER_ID_LENGTH) throw badInput(field, `${field} must be 1 to ${MAX_USER_ID_LENGTH} characters`);
  return s;
}
