import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput, paginate, PageArgs, requireUuid, tenantRepository } from '@crm/service-kit';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '@crm/events';
import { Ticket } from '../entities';
import type { TicketPriority, TicketStatus } from '../domain';

export interface TicketFilter {
  status?: TicketStatus | null;
  priority?: TicketPriority | null;
  assigneeId?: string | null;
  contactId?: string | null;
  breached?: boolean | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

/**
 * domain/sla-view.ts slaBreached as SQL on alias `t`: a marked target, or a pending target of a
 * running clock past its due time at :now (the job marks it within a minute).
 */
export const BREACHED_SQL = `(t.first_response_breached_at IS NOT NULL OR t.resolution_breached_at IS NOT NULL
  OR (t.sla_running_since IS NOT NULL AND ((t.first_responded_at IS NULL AND t.first_response_due_at < :now)
    OR (t.resolved_at IS NULL AND t.resolution_due_at < :now))))`;

function checkFilter(f: TicketFilter): void {
  if (present(f.status) && !(TICKET_STATUSES as readonly string[]).includes(f.status)) throw badInput('filter.status', 'unknown status');
  if (present(f.priority) && !(TICKET_PRIORITIES as readonly string[]).includes(f.priority))
    throw badInput('filter.priority', 'unknown priority');
  if (present(f.contactId)) requireUuid(f.contactId, 'filter.contactId');
  if (present(f.createdAfter) && present(f.createdBefore) && f.createdAfter >= f.createdBefore) {
    throw badInput('filter.createdBefore', 'filter.createdBefore must be after filter.createdAfter');
  }
}

export function applyTicketFilter<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, f: TicketFilter, now: Date): SelectQueryBuilder<T> {
  if (present(f.status)) qb.andWhere('t.status = :status', { status: f.status });
  if (present(f.priority)) qb.andWhere('t.priority = :priority', { priority: f.priority });
  if (present(f.assigneeId)) qb.andWhere('t.assignee_id = :assigneeId', { assigneeId: f.assigneeId });
  if (present(f.contactId)) qb.andWhere('t.contact_id = :contactId', { contactId: f.contactId.toLowerCase() });
  if (present(f.createdAfter)) qb.andWhere('t.created_at >= :createdAfter', { createdAfter: f.createdAfter });
  if (present(f.createdBefore)) qb.andWhere('t.created_at < :createdBefore', { createdBefore: f.createdBefore });
  if (present(f.breached)) qb.andWhere(f.breached ? BREACHED_SQL : `NOT ${BREACHED_SQL}`, { now });
  return qb;
}

/** tickets(filter, first, after): newest first, keyset pages like contacts in leads. */
export function listTickets(m: EntityManager, tenantId: string, filter: TicketFilter, page: PageArgs, now: Date) {
  checkFilter(filter);
  return paginate(applyTicketFilter(tenantRepository(m, Ticket, tenantId).query('t'), filter, now), 't', page);
}
