import type { EntityManager } from 'typeorm';
import { emitMany, EventType, NewEvent } from '@crm/events';
import { badInput, tenantRepository, type Actor } from '@crm/service-kit';
import { Ticket, TicketComment } from '../entities';
import { respondFirst, validateCommentBody } from '../domain';
import { loadCalendar } from './settings';
import { lockTicket } from './ticket-writes';
import { applySla, breachEvents } from './ticket-sla';

export interface AddTicketCommentInput {
  ticketId: string;
  body: string;
  internal?: boolean | null;
  /** Written by the contact (e.g. a portal relaying the customer's reply): never a first response. */
  fromContact?: boolean | null;
}

/**
 * addTicketComment: the first public comment by someone other than the contact is the first
 * response (stamps firstRespondedAt, emits ticket.first_responded). Internal notes never are.
 * A comment never changes the status.
 */
export async function addTicketComment(m: EntityManager, actor: Actor, input: AddTicketCommentInput, now: Date): Promise<Ticket> {
  const body = validateCommentBody(input.body);
  const internal = input.internal ?? false;
  const fromContact = input.fromContact ?? false;
  if (internal && fromContact) throw badInput('internal', 'a comment from the contact cannot be internal');
  const ticket = await lockTicket(m, actor.tenantId, input.ticketId);
  const comments = tenantRepository(m, TicketComment, actor.tenantId);
  await comments.save(
    comments.create({
      ticketId: ticket.id,
      body,
      internal,
      fromContact,
      authorId: fromContact ? ticket.contactId : actor.userId,
      createdAt: now,
    }),
  );
  const events: Array<NewEvent<EventType>> = [];
  if (!internal && !fromContact && ticket.firstRespondedAt === null) {
    const response = respondFirst(ticket, now, await loadCalendar(m, actor.tenantId));
    applySla(ticket, response.state);
    events.push(...breachEvents([ticket], [response.breaches], actor.userId), {
      type: 'ticket.first_responded',
      tenantId: actor.tenantId,
      aggregateId: ticket.id,
      actor: actor.userId,
      occurredAt: now,
      data: {
        contactId: ticket.contactId,
        at: now.toISOString(),
        dueAt: ticket.firstResponseDueAt.toISOString(),
        breached: response.breached,
        businessMinutes: response.businessMinutes,
      },
    });
  }
  ticket.updatedAt = now;
  const saved = await tenantRepository(m, Ticket, actor.tenantId).save(ticket);
  if (events.length) await emitMany(m, events);
  return saved;
}
