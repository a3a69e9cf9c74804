import type { DataSource, EntityManager } from 'typeorm';
import { emitMany } from '@crm/events';
import type { Logger } from '@crm/service-kit';
import { breachEvents } from './ticket-sla';
import type { SlaTarget } from '../domain';

/** Rows marked per transaction: bounded work and outbox batches, whatever the backlog. */
export const BREACH_BATCH = 5000;

interface MarkedRow {
  id: string;
  tenant_id: string;
  contact_id: string;
  first_response: boolean;
  resolution: boolean;
  first_response_due_at: Date;
  resolution_due_at: Date;
}

/**
 * One set-based pass: mark every running ticket whose pending, unmarked target is past due at
 * `now` (one UPDATE ... RETURNING through the two partial due-time indexes), then emit one
 * ticket.sla_breached per newly marked target in the same transaction. Rows another run (or a
 * write) holds are skipped and caught by the next run; a row's mark is set once, so two runs at
 * the same moment, on one replica or two, announce each breach exactly once.
 */
export async function markBreachesBatch(m: EntityManager, now: Date, limit = BREACH_BATCH): Promise<{ rows: number; breaches: number }> {
  const result: [MarkedRow[], number] = await m.query(
    `WITH due AS (
       SELECT id,
              (first_responded_at IS NULL AND first_response_breached_at IS NULL AND first_response_due_at < $1) AS first_response,
              (resolved_at IS NULL AND resolution_breached_at IS NULL AND resolution_due_at < $1) AS resolution
         FROM tickets
        WHERE sla_running_since IS NOT NULL
          AND ((first_responded_at IS NULL AND first_response_breached_at IS NULL AND first_response_due_at < $1)
            OR (resolved_at IS NULL AND resolution_breached_at IS NULL AND resolution_due_at < $1))
        ORDER BY id
        LIMIT $2
          FOR UPDATE SKIP LOCKED)
     UPDATE tickets t
        SET first_response_breached_at = CASE WHEN due.first_response THEN t.first_response_due_at ELSE t.first_response_breached_at END,
            resolution_breached_at = CASE WHEN due.resolution THEN t.resolution_due_at ELSE t.resolution_breached_at END
       FROM due
      WHERE t.id = due.id
     RETURNING t.id, t.tenant_id, t.contact_id, due.first_response, due.resolution, t.first_response_due_at, t.resolution_due_at`,
    [now, limit],
  );
  const [rows] = result; // TypeORM answers an UPDATE with [rows, affected]
  if (!rows.length) return { rows: 0, breaches: 0 };
  const targets = rows.map((r) => {
    const list: Array<{ target: SlaTarget; dueAt: Date }> = [];
    if (r.first_response) list.push({ target: 'FIRST_RESPONSE', dueAt: r.first_response_due_at });
    if (r.resolution) list.push({ target: 'RESOLUTION', dueAt: r.resolution_due_at });
    return list;
  });
  const events = breachEvents(
    rows.map((r) => ({ tenantId: r.tenant_id, id: r.id, contactId: r.contact_id })),
    targets,
    null,
  );
  await emitMany(m, events);
  return { rows: rows.length, breaches: events.length };
}

/** The breach job's use case: batches until the backlog at `now` is done; returns breaches announced. */
export async function detectSlaBreaches(db: DataSource, now: Date, logger?: Logger): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = await db.transaction((m) => markBreachesBatch(m, now));
    total += batch.breaches;
    if (batch.rows < BREACH_BATCH) break;
  }
  if (total) logger?.info({ breaches: total }, 'SLA breaches announced');
  return total;
}
