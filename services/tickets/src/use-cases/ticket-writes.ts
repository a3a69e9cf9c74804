import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { notFound, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { SlaPolicy, Ticket } from '../entities';
import {
  openSla,
  TicketChannel,
  TicketPriority,
  validateChannel,
  validateDescription,
  validatePriority,
  validateSubject,
  validateUserId,
} from '../domain';
import { resolveContact } from './contacts';
import { loadCalendar, takeRoundRobinAgent } from './settings';
import { applySla } from './ticket-sla';

export interface OpenTicketInput {
  contactId: string;
  subject: string;
  description?: string | null;
  priority?: TicketPriority | null;
  channel?: TicketChannel | null;
  assigneeId?: string | null;
}

/** The ticket, row-locked for the rest of the transaction (NOT_FOUND on `field` when absent). */
export async function lockTicket(m: EntityManager, tenantId: string, id: string, field = 'ticketId'): Promise<Ticket> {
  const ticketId = requireUuid(id, field);
  const ticket = await tenantRepository(m, Ticket, tenantId).findOneForUpdate({ id: ticketId });
  if (!ticket) throw notFound('Ticket', ticketId, field);
  return ticket;
}

/**
 * openTicket: for a contact known in the tenant, with the priority's policy snapshotted (a later
 * policy change does not move this ticket's targets) and the SLA clock started at `now`.
 * No assignee given: the round-robin of the tenant's support agents picks one.
 */
export async function openTicket(m: EntityManager, actor: Actor, input: OpenTicketInput, now: Date): Promise<Ticket> {
  const subject = validateSubject(input.subject);
  const description = validateDescription(input.description);
  const priority = validatePriority(input.priority);
  const channel = validateChannel(input.channel);
  const explicit = input.assigneeId === undefined || input.assigneeId === null ? null : validateUserId(input.assigneeId, 'assigneeId');
  const contactId = await resolveContact(m, actor.tenantId, input.contactId);
  const policy = await tenantRepository(m, SlaPolicy, actor.tenantId).findOne({ priority });
  if (!policy) throw notFound('SlaPolicy', priority, 'priority');
  const assigneeId = explicit ?? (await takeRoundRobinAgent(m, actor.tenantId));
  const sla = openSla(policy, now, await loadCalendar(m, actor.tenantId));
  const tickets = tenantRepository(m, Ticket, actor.tenantId);
  const ticket = tickets.create({
    contactId,
    subject,
    description,
    priority,
    channel,
    assigneeId,
    status: 'NEW',
    policyId: policy.id,
    policyVersion: policy.version,
    createdAt: now,
    updatedAt: now,
  });
  const saved = await tickets.save(applySla(ticket, sla));
  await emit(m, {
    type: 'ticket.opened',
    tenantId: actor.tenantId,
    aggregateId: saved.id,
    actor: actor.userId,
    occurredAt: now,
    data: {
      contactId,
      priority,
      subject,
      channel,
      assigneeId,
      policyId: policy.id,
      firstResponseDueAt: sla.firstResponseDueAt.toISOString(),
      resolutionDueAt: sla.resolutionDueAt.toISOString(),
    },
  });
  return saved;
}

/** assignTicket: to an agent, or (assigneeId null) to the next agent of the round-robin. */
export async function assignTicket(
  m: EntityManager,
  actor: Actor,
  input: { ticketId: string; assigneeId?: string | null },
  now: Date,
): Promise<Ticket> {
  const explicit = input.assigneeId === undefined || input.assigneeId === null ? null : validateUserId(input.assigneeId, 'assigneeId');
  const ticket = await lockTicket(m, actor.tenantId, input.ticketId);
  const assigneeId = explicit ?? (await takeRoundRobinAgent(m, actor.tenantId));
  if (assigneeId === ticket.assigneeId) return ticket;
  const previousAssigneeId = ticket.assigneeId;
  ticket.assigneeId = assigneeId;
  ticket.updatedAt = now;
  const saved = await tenantRepository(m, Ticket, actor.tenantId).save(ticket);
  await emit(m, {
    type: 'ticket.assigned',
    tenantId: actor.tenantId,
    aggregateId: ticket.id,
    actor: actor.userId,
    occurredAt: now,
    data: { contactId: ticket.contactId, assigneeId, previousAssigneeId },
  });
  return saved;
}
