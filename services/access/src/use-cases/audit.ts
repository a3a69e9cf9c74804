import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@crm/events';
import { badInput, characterLength, Connection, MAX_USER_ID_LENGTH, paginate, PageArgs, tenantRepository } from '@crm/service-kit';
import { AuditEntry } from '../entities';

/** Store one audit.recorded event; a redelivery inserts nothing (same id). */
export async function storeAuditEntry(m: EntityManager, event: EventEnvelope<'audit.recorded'>): Promise<void> {
  const d = event.data;
  await m.query(
    `INSERT INTO audit_entries (id, tenant_id, actor, operation, target_ids, outcome, error_code, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
    [event.aggregateId, event.tenantId, d.actor, d.operation, d.targetIds, d.outcome, d.errorCode ?? null, d.at],
  );
}

export interface AuditFilter {
  actor?: string | null;
  operation?: string | null;
  targetId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** The tenant's log, newest first, filtered; `from` inclusive, `to` exclusive. */
export function listAuditEntries(m: EntityManager, tenantId: string, filter: AuditFilter, page: PageArgs): Promise<Connection<AuditEntry>> {
  for (const field of ['actor', 'operation', 'targetId'] as const) {
    const value = filter[field];
    if (value !== null && value !== undefined && characterLength(value) > MAX_USER_ID_LENGTH + 36)
      throw badInput(field, `${field} is too long`);
  }
  if (filter.from && filter.to && filter.from >= filter.to) throw badInput('to', 'to must be after from');
  const qb = tenantRepository(m, AuditEntry, tenantId).query('a');
  if (filter.actor) qb.andWhere('a.actor = :actor', { actor: filter.actor });
  if (filter.operation) qb.andWhere('a.operation = :operation', { operation: filter.operation });
  if (filter.targetId) qb.andWhere(':target = ANY(a.target_ids)', { target: filter.targetId });
  if (filter.from) qb.andWhere('a.created_at >= :from', { from: filter.from });
  if (filter.to) qb.andWhere('a.created_at < :to', { to: filter.to });
  return paginate(qb, 'a', page);
}
