import { TICKET_PRIORITIES } from '@crm/events';
import type { TicketPriority } from './tickets';

export { TICKET_PRIORITIES };

/** The SLA targets a new tenant starts with, one policy per priority (admins change them later). */

export interface SlaTargets {
  priority: TicketPriority;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export const DEFAULT_SLA_POLICIES: readonly SlaTargets[] = [
  { priority: 'URGENT', firstResponseMinutes: 60, resolutionMinutes: 4 * 60 },
  { priority: 'HIGH', firstResponseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
  { priority: 'NORMAL', firstResponseMinutes: 8 * 60, resolutionMinutes: 3 * 24 * 60 },
  { priority: 'LOW', firstResponseMinutes: 24 * 60, resolutionMinutes: 5 * 24 * 60 },
];

/** A policy is usable when both targets are positive and the first response comes first. */
export function validateSlaTargets(t: SlaTargets): { ok: true } | { ok: false; field: string; message: string } {
  for (const field of ['firstResponseMinutes', 'resolutionMinutes'] as const) {
    if (!Number.isInteger(t[field]) || t[field] <= 0) return { ok: false, field, message: `${field} must be a positive whole number` };
  }
  if (t.firstResponseMinutes > t.resolutionMinutes) {
    return { ok: false, field: 'firstResponseMinutes', message: 'first response target cannot be later than the resolution target' };
  }
  return { ok: true };
}

/** Policies listed from the most urgent priority down. */
export const byUrgency = <T extends { priority: string }>(rows: T[]) =>
  [...rows].sort(
    (a, b) => TICKET_PRIORITIES.indexOf(b.priority as TicketPriority) - TICKET_PRIORITIES.indexOf(a.priority as TicketPriority),
  );
