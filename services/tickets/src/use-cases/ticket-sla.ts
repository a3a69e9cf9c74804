import type { NewEvent } from '@crm/events';
import type { Ticket } from '../entities';
import type { Breach, SlaState } from '../domain';

/** Copy a computed SLA state onto the ticket row (same field names). */
export function applySla(ticket: Ticket, s: SlaState): Ticket {
  Object.assign(ticket, {
    firstResponseMinutes: s.firstResponseMinutes,
    resolutionMinutes: s.resolutionMinutes,
    elapsedMs: s.elapsedMs,
    runningSince: s.runningSince,
    firstResponseDueAt: s.firstResponseDueAt,
    resolutionDueAt: s.resolutionDueAt,
    firstRespondedAt: s.firstRespondedAt,
    resolvedAt: s.resolvedAt,
    firstResponseBreachedAt: s.firstResponseBreachedAt,
    resolutionBreachedAt: s.resolutionBreachedAt,
  });
  return ticket;
}

/** ticket.sla_breached per newly marked target (once per target per ticket); it happened at the due time. */
export function breachEvents(
  tickets: Array<{ tenantId: string; id: string; contactId: string }>,
  breaches: Breach[][],
  actor: string | null,
): Array<NewEvent<'ticket.sla_breached'>> {
  return tickets.flatMap((t, i) =>
    breaches[i].map((b) => ({
      type: 'ticket.sla_breached' as const,
      tenantId: t.tenantId,
      aggregateId: t.id,
      actor,
      occurredAt: b.dueAt,
      data: { contactId: t.contactId, target: b.target, dueAt: b.dueAt.toISOString() },
    })),
  );
}
