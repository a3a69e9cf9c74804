import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@crm/events';
import { stagesReached } from '../domain/stages';

type Created = EventEnvelope<'contact.created'>;
type Changed = EventEnvelope<'contact.lifecycle_stage_changed'>;
type Merged = EventEnvelope<'contact.merged'>;

/** The next entry of the stay's contact (by event time, then arrival): where the stay ends (index-only). */
const NEXT_ENTRY = `(SELECT min(n.entered_at) FROM stage_intervals n
  WHERE n.tenant_id = s.tenant_id AND n.contact_id = s.contact_id AND (n.entered_at, n.seq) > (s.entered_at, s.seq))`;
/** The same contact's previous reach of the same stage. */
const PREVIOUS_REACH = `(SELECT max(p.at) FROM stage_reaches p
  WHERE p.tenant_id = s.tenant_id AND p.contact_id = s.contact_id AND p.stage = s.stage AND (p.at, p.seq) < (s.at, s.seq))`;

/** Last value per key, in arrival order (a multi-row upsert may touch each row once). */
export function lastByKey<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

/** contact.created: the cohort facts (source, capture time). */
export async function recordContactsCreated(m: EntityManager, events: Created[]): Promise<void> {
  const rows = lastByKey(events, (e) => `${e.tenantId}|${e.aggregateId}`).map((e) => ({
    tenant_id: e.tenantId,
    contact_id: e.aggregateId,
    source: e.data.source ?? null,
    captured_at: e.occurredAt,
  }));
  await m.query(
    `INSERT INTO contact_facts (tenant_id, contact_id, source, captured_at)
     SELECT tenant_id, contact_id, source, captured_at FROM jsonb_to_recordset($1::jsonb)
       AS x(tenant_id varchar, contact_id uuid, source varchar, captured_at timestamptz)
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET source = EXCLUDED.source, captured_at = EXCLUDED.captured_at`,
    [JSON.stringify(rows)],
  );
  // The first stage, until its contact.lifecycle_stage_changed (which leads emits with it) lands.
  await m.query(
    `INSERT INTO contact_stages (tenant_id, contact_id, stage, stage_since)
     SELECT tenant_id, contact_id, stage, captured_at FROM jsonb_to_recordset($1::jsonb)
       AS x(tenant_id varchar, contact_id uuid, stage varchar, captured_at timestamptz)
     ON CONFLICT (tenant_id, contact_id) DO NOTHING`,
    [
      JSON.stringify(
        events.map((e) => ({ tenant_id: e.tenantId, contact_id: e.aggregateId, stage: e.data.lifecycleStage, captured_at: e.occurredAt })),
      ),
    ],
  );
}

/** contact.merged: the duplicate is tombstoned (whatever arrives for it later stays out of every report). */
export async function recordContactsMerged(m: EntityManager, events: Merged[]): Promise<void> {
  const rows = lastByKey(events, (e) => `${e.tenantId}|${e.data.duplicateId}`).map((e) => ({
    tenant_id: e.tenantId,
    contact_id: e.data.duplicateId,
    merged_into: e.data.primaryId,
  }));
  const json = JSON.stringify(rows);
  await m.query(
    `INSERT INTO contact_facts (tenant_id, contact_id, merged_into)
     SELECT tenant_id, contact_id, merged_into FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, contact_id uuid, merged_into uuid)
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET merged_into = EXCLUDED.merged_into`,
    [json],
  );
  await m.query(
    `DELETE FROM contact_stages s USING jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, contact_id uuid)
      WHERE s.tenant_id = x.tenant_id AND s.contact_id = x.contact_id`,
    [json],
  );
  for (const table of ['stage_intervals', 'stage_reaches']) {
    await m.query(
      `UPDATE ${table} i SET excluded = true FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, contact_id uuid)
        WHERE i.tenant_id = x.tenant_id AND i.contact_id = x.contact_id AND NOT i.excluded`,
      [json],
    );
  }
}

/**
 * contact.lifecycle_stage_changed: one interval row per entry, then, for the contacts touched,
 * every interval's end (the next entry by event time) and the current stage are recomputed, so
 * the result does not depend on arrival order.
 */
export async function recordStageChanges(m: EntityManager, events: Changed[]): Promise<void> {
  const rows = events.map((e) => ({
    event_id: e.id,
    tenant_id: e.tenantId,
    contact_id: e.aggregateId,
    from_stage: e.data.from,
    stage: e.data.to,
    reached: stagesReached(e.data.from, e.data.to),
    entered_at: e.data.at,
  }));
  await m.query(
    `INSERT INTO stage_intervals (event_id, tenant_id, contact_id, from_stage, stage, reached, entered_at, excluded)
     SELECT event_id, tenant_id, contact_id, from_stage, stage, ARRAY(SELECT jsonb_array_elements_text(reached)), entered_at,
            EXISTS (SELECT 1 FROM contact_facts f WHERE f.tenant_id = x.tenant_id AND f.contact_id = x.contact_id AND f.merged_into IS NOT NULL)
       FROM jsonb_to_recordset($1::jsonb)
         AS x(event_id uuid, tenant_id varchar, contact_id uuid, from_stage varchar, stage varchar, reached jsonb, entered_at timestamptz)
     ON CONFLICT (event_id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
  await recordReaches(m, rows);
  const touched = JSON.stringify(
    lastByKey(rows, (r) => `${r.tenant_id}|${r.contact_id}`).map(({ tenant_id, contact_id }) => ({ tenant_id, contact_id })),
  );
  // Only rows that change are written. A correlated subquery per touched row (index lookups),
  // never an UPDATE ... FROM join the planner could turn into a table scan on stale statistics.
  await m.query(
    `UPDATE stage_intervals s SET left_at = ${NEXT_ENTRY}
      WHERE (s.tenant_id, s.contact_id) IN (SELECT tenant_id, contact_id FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, contact_id uuid))
        AND s.left_at IS DISTINCT FROM ${NEXT_ENTRY}`,
    [touched],
  );
  await m.query(
    `WITH touched AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, contact_id uuid))
     INSERT INTO contact_stages (tenant_id, contact_id, stage, stage_since)
     SELECT DISTINCT ON (i.tenant_id, i.contact_id) i.tenant_id, i.contact_id, i.stage, i.entered_at
       FROM stage_intervals i JOIN touched t ON t.tenant_id = i.tenant_id AND t.contact_id = i.contact_id
      WHERE NOT i.excluded
      ORDER BY i.tenant_id, i.contact_id, i.entered_at DESC, i.seq DESC
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET stage = EXCLUDED.stage, stage_since = EXCLUDED.stage_since`,
    [touched],
  );
}

/** The stages each entry reached, then each touched contact's previous reach of every stage. */
async function recordReaches(
  m: EntityManager,
  rows: Array<{ event_id: string; tenant_id: string; contact_id: string; reached: string[]; entered_at: string }>,
): Promise<void> {
  const reaches = rows.flatMap((r) =>
    r.reached.map((stage) => ({ event_id: r.event_id, stage, tenant_id: r.tenant_id, contact_id: r.contact_id, at: r.entered_at })),
  );
  await m.query(
    `INSERT INTO stage_reaches (event_id, stage, tenant_id, contact_id, at, excluded)
     SELECT event_id, stage, tenant_id, contact_id, at,
            EXISTS (SELECT 1 FROM contact_facts f WHERE f.tenant_id = x.tenant_id AND f.contact_id = x.contact_id AND f.merged_into IS NOT NULL)
       FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, stage varchar, tenant_id varchar, contact_id uuid, at timestamptz)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(reaches)],
  );
  await m.query(
    `UPDATE stage_reaches s SET prev_at = ${PREVIOUS_REACH}
      WHERE (s.tenant_id, s.contact_id) IN (SELECT tenant_id, contact_id FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, contact_id uuid))
        AND s.prev_at IS DISTINCT FROM ${PREVIOUS_REACH}`,
    [JSON.stringify(rows.map(({ tenant_id, contact_id }) => ({ tenant_id, contact_id })))],
  );
}
