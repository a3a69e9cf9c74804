import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@crm/events';
import { awaitReplica, isUuid, notFound, requireUuid } from '@crm/service-kit';

/** How many merges deep a contact id is followed to its surviving primary. */
const MAX_MERGE_HOPS = 10;

/**
 * contact.created (a delivered run of them, in one statement): each id exists in its tenant (a
 * merge seen earlier keeps its merged_into).
 */
export async function recordContactsCreated(m: EntityManager, events: Array<EventEnvelope<'contact.created'>>): Promise<void> {
  const known = events.filter((e) => isUuid(e.aggregateId));
  if (!known.length) return;
  await m.query('INSERT INTO contact_refs (tenant_id, id) SELECT * FROM unnest($1::varchar[], $2::uuid[]) ON CONFLICT DO NOTHING', [
    known.map((e) => e.tenantId),
    known.map((e) => e.aggregateId.toLowerCase()),
  ]);
}

/**
 * contact.merged: the duplicate points at the primary (whichever arrives first, created or
 * merged), and its tickets and survey responses move to the primary.
 */
export async function recordContactMerged(m: EntityManager, event: EventEnvelope<'contact.merged'>): Promise<void> {
  const { tenantId } = event;
  const primaryId = event.data.primaryId.toLowerCase();
  const duplicateId = event.data.duplicateId.toLowerCase();
  if (primaryId === duplicateId) return;
  await m.query(
    `INSERT INTO contact_refs (tenant_id, id, merged_into) VALUES ($1, $2, NULL), ($1, $3, $2)
     ON CONFLICT (tenant_id, id) DO UPDATE SET merged_into = EXCLUDED.merged_into WHERE EXCLUDED.id = $3`,
    [tenantId, primaryId, duplicateId],
  );
  // Ids already merged into the duplicate follow it to the primary.
  await m.query('UPDATE contact_refs SET merged_into = $2 WHERE tenant_id = $1 AND merged_into = $3', [tenantId, primaryId, duplicateId]);
  await m.query('UPDATE tickets SET contact_id = $2, updated_at = now() WHERE tenant_id = $1 AND contact_id = $3', [
    tenantId,
    primaryId,
    duplicateId,
  ]);
  await m.query('UPDATE survey_responses SET contact_id = $2 WHERE tenant_id = $1 AND contact_id = $3', [tenantId, primaryId, duplicateId]);
}

/** The contact a new ticket or response belongs to: known in the tenant (NOT_FOUND on contactId), merged ones resolved to their primary. */
export async function resolveContact(m: EntityManager, tenantId: string, contactId: string): Promise<string> {
  let id = requireUuid(contactId, 'contactId');
  for (let hop = 0; hop <= MAX_MERGE_HOPS; hop++) {
    const [row]: Array<{ merged_into: string | null }> = await m.query(
      'SELECT merged_into FROM contact_refs WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    if (!row) break;
    if (!row.merged_into) return id;
    id = row.merged_into;
  }
  throw notFound('Contact', contactId, 'contactId');
}

/**
 * Before a write references a contact: give the replica a bounded moment to catch up with a
 * contact captured just before (the write itself still refuses an unknown one as NOT_FOUND).
 */
export async function awaitKnownContact(m: EntityManager, tenantId: string, contactId: string | null | undefined): Promise<void> {
  if (typeof contactId !== 'string' || !isUuid(contactId)) return;
  const id = contactId.toLowerCase();
  await awaitReplica(async () => (await m.query('SELECT 1 FROM contact_refs WHERE tenant_id = $1 AND id = $2', [tenantId, id])).length > 0);
}
