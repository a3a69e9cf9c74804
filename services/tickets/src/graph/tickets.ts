import { ConnectionInfo, PageArgs, pageArgs, requireUuid } from '@crm/service-kit';
import type { Ticket } from '../entities';
import type { TicketsContext } from '../context';
import { dueAt, firstResponseBreached, remainingMinutes, resolutionBreached, slaBreached, slaPaused, TicketStatus } from '../domain';
import { Input, write } from './common';
import { awaitKnownContact } from '../use-cases/contacts';
import { assignTicket, openTicket, OpenTicketInput } from '../use-cases/ticket-writes';
import { changeTicketStatus } from '../use-cases/ticket-status';
import { addTicketComment, AddTicketCommentInput } from '../use-cases/comments';
import { listTickets, TicketFilter } from '../use-cases/ticket-queries';

export const ticketQueries = {
  ticket: (_: unknown, args: { id: string }, ctx: TicketsContext) => {
    return ctx.loaders.ticket.load(requireUuid(args.id, 'id'));
  },
  tickets: (_: unknown, args: { filter?: TicketFilter | null } & PageArgs, ctx: TicketsContext, info: ConnectionInfo) => {
    return listTickets(ctx.db.manager, ctx.tenantId, args.filter ?? {}, pageArgs(args, info), ctx.now);
  },
};

export const ticketMutations = {
  openTicket: async (_: unknown, { input }: Input<OpenTicketInput>, ctx: TicketsContext) => {
    await awaitKnownContact(ctx.db.manager, ctx.tenantId, input.contactId);
    return write(ctx, (m, actor, now) => openTicket(m, actor, input, now));
  },
  assignTicket: (_: unknown, { input }: Input<{ ticketId: string; assigneeId?: string | null }>, ctx: TicketsContext) =>
    write(ctx, (m, actor, now) => assignTicket(m, actor, input, now)),
  addTicketComment: (_: unknown, { input }: Input<AddTicketCommentInput>, ctx: TicketsContext) =>
    write(ctx, (m, actor, now) => addTicketComment(m, actor, input, now)),
  changeTicketStatus: (_: unknown, { input }: Input<{ ticketId: string; status: TicketStatus }>, ctx: TicketsContext) =>
    write(ctx, (m, actor, now) => changeTicketStatus(m, actor, input, now)),
};

const calendar = (ctx: TicketsContext) => ctx.loaders.calendar.load(ctx.tenantId);

export const ticketTypes = {
  Ticket: {
    __resolveReference: (ref: { id: string }, ctx: TicketsContext) => {
      return ctx.loaders.ticket.load(ref.id);
    },
    contact: (t: Ticket) => ({ __typename: 'Contact', id: t.contactId }),
    comments: (t: Ticket, _: unknown, ctx: TicketsContext) => ctx.loaders.commentsOfTicket.load(t.id),
    sla: (t: Ticket) => t,
  },
  // The parent is the ticket itself (its SLA clock); the calendar is read only for due times
  // while paused and for remaining minutes, so `sla { breached }` on a list costs no query.
  TicketSla: {
    policyId: (t: Ticket) => t.policyId,
    policyVersion: (t: Ticket) => t.policyVersion,
    firstResponseDueAt: async (t: Ticket, _: unknown, ctx: TicketsContext) =>
      slaPaused(t) ? dueAt(t, 'FIRST_RESPONSE', ctx.now, await calendar(ctx)) : t.firstResponseDueAt,
    resolutionDueAt: async (t: Ticket, _: unknown, ctx: TicketsContext) =>
      slaPaused(t) ? dueAt(t, 'RESOLUTION', ctx.now, await calendar(ctx)) : t.resolutionDueAt,
    firstResponseBreached: (t: Ticket, _: unknown, ctx: TicketsContext) => firstResponseBreached(t, ctx.now),
    resolutionBreached: (t: Ticket, _: unknown, ctx: TicketsContext) => resolutionBreached(t, ctx.now),
    breached: (t: Ticket, _: unknown, ctx: TicketsContext) => slaBreached(t, ctx.now),
    paused: (t: Ticket) => slaPaused(t),
    remainingMinutes: async (t: Ticket, _: unknown, ctx: TicketsContext) =>
      t.resolvedAt ? null : remainingMinutes(t, ctx.now, await calendar(ctx)),
  },
};
