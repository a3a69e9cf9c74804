import { TICKET_STATUSES } from '@crm/events';
import { conflict } from '@crm/service-kit';

export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** docs/api.md: the only moves; CLOSED is final. */
export const STATUS_MOVES: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  NEW: ['OPEN', 'PENDING', 'RESOLVED'],
  OPEN: ['PENDING', 'RESOLVED'],
  PENDING: ['OPEN', 'RESOLVED'],
  RESOLVED: ['OPEN', 'CLOSED'],
  CLOSED: [],
};

/** NEW, OPEN and PENDING count as open. */
export const OPEN_STATUSES: readonly TicketStatus[] = ['NEW', 'OPEN', 'PENDING'];

export const canMove = (from: TicketStatus, to: TicketStatus) => STATUS_MOVES[from].includes(to);

/** Any move not listed is CONFLICT carrying `from` and `to`. */
export function checkStatusMove(from: TicketStatus, to: TicketStatus): void {
  if (!canMove(from, to)) throw conflict(`A ticket cannot move from ${from} to ${to}`, { from, to });
}

/** What a move does to the SLA clock: PENDING stops it, leaving PENDING restarts it, RESOLVED ends it. */
export type ClockEffect = 'pause' | 'resume' | 'resolve' | 'reopen' | 'none';

export function clockEffect(from: TicketStatus, to: TicketStatus): ClockEffect {
  if (to === 'RESOLVED') return 'resolve';
  if (from === 'RESOLVED' && to === 'OPEN') return 'reopen';
  if (to === 'PENDING') return 'pause';
  if (from === 'PENDING') return 'resume';
  return 'none';
}
