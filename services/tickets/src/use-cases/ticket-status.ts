import type { EntityManager } from 'typeorm';
import { emitMany, EventType, NewEvent } from '@crm/events';
import { badInput, tenantRepository, type Actor } from '@crm/service-kit';
import { Ticket } from '../entities';
import { Breach, checkStatusMove, clockEffect, pauseSla, reopenSla, resolveSla, resumeSla, TicketStatus } from '../domain';
import { TICKET_STATUSES } from '@crm/events';
import { loadCalendar } from './settings';
import { lockTicket } from './ticket-writes';
import { applySla, breachEvents } from './ticket-sla';

/**
 * changeTicketStatus along the moves of docs/api.md (else CONFLICT with from/to). PENDING stops
 * the SLA clock and leaving it restarts it (due times move by the pause); RESOLVED judges both
 * targets and emits ticket.resolved; a late target not yet marked is announced once here.
 */
export async function changeTicketStatus(
  m: EntityManager,
  actor: Actor,
  input: { ticketId: string; status: TicketStatus },
  now: Date,
): Promise<Ticket> {
  if (!(TICKET_STATUSES as readonly unknown[]).includes(input.status))
    throw badInput('status', `status must be one of ${TICKET_STATUSES.join(', ')}`);
  const ticket = await lockTicket(m, actor.tenantId, input.ticketId);
  const from = ticket.status;
  const to = input.status;
  checkStatusMove(from, to);
  const cal = await loadCalendar(m, actor.tenantId);
  const events: Array<NewEvent<EventType>> = [];
  let breaches: Breach[] = [];
  const effect = clockEffect(from, to);
  if (effect === 'pause') {
    const paused = pauseSla(ticket, now, cal);
    applySla(ticket, paused.state);
    breaches = paused.breaches;
  } else if (effect === 'resume') {
    applySla(ticket, resumeSla(ticket, now, cal));
  } else if (effect === 'reopen') {
    applySla(ticket, reopenSla(ticket, now, cal));
  } else if (effect === 'resolve') {
    const resolution = resolveSla(ticket, now, cal);
    applySla(ticket, resolution.state);
    breaches = resolution.breaches;
    events.push({
      type: 'ticket.resolved',
      tenantId: actor.tenantId,
      aggregateId: ticket.id,
      actor: actor.userId,
      occurredAt: now,
      data: {
        contactId: ticket.contactId,
        at: now.toISOString(),
        dueAt: ticket.resolutionDueAt.toISOString(),
        breached: resolution.breached,
        firstResponseBreached: resolution.firstResponseBreached,
        openedAt: ticket.createdAt.toISOString(),
        businessMinutes: resolution.businessMinutes,
      },
    });
  }
  ticket.status = to;
  ticket.updatedAt = now;
  const saved = await tenantRepository(m, Ticket, actor.tenantId).save(ticket);
  await emitMany(m, [
    ...breachEvents([ticket], [breaches], actor.userId),
    {
      type: 'ticket.status_changed',
      tenantId: actor.tenantId,
      aggregateId: ticket.id,
      actor: actor.userId,
      occurredAt: now,
      data: { contactId: ticket.contactId, from, to, at: now.toISOString() },
    },
    ...events,
  ]);
  return saved;
}
