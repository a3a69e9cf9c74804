import type { EntityManager } from 'typeorm';
import { awaitReplica, distinctUuids, tenantRepository } from '@crm/service-kit';
import { ContactReplica } from '../entities';
import { applyReplicaChange, ReplicaProperties } from '../domain';

/** The replica row of a contact, created empty if none, locked for this transaction. */
export async function lockReplica(m: EntityManager, tenantId: string, contactId: string): Promise<ContactReplica> {
  await m.query('INSERT INTO contact_replicas (tenant_id, id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, contactId]);
  return (await tenantRepository(m, ContactReplica, tenantId).findOneForUpdate({ id: contactId }))!;
}

/**
 * Applies the properties an event carries at `at` (its occurredAt, or the business time it
 * names), each only if not older than what set the current value. Returns what changed.
 */
export async function updateReplica(
  m: EntityManager,
  tenantId: string,
  contactId: string,
  change: Partial<ReplicaProperties>,
  at: Date,
): Promise<Partial<ReplicaProperties>> {
  const row = await lockReplica(m, tenantId, contactId);
  const { values, versions } = applyReplicaChange(row.versions ?? {}, change, at);
  if (!Object.keys(values).length) return values;
  Object.assign(row, values, { versions });
  await tenantRepository(m, ContactReplica, tenantId).save(row);
  return values;
}

/** contact.merged: the duplicate is no longer a contact of its own (segments skip it). */
export async function markMerged(m: EntityManager, tenantId: string, duplicateId: string, primaryId: string): Promise<void> {
  await lockReplica(m, tenantId, duplicateId);
  await m.query('UPDATE contact_replicas SET merged_into = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, duplicateId, primaryId]);
}

/** Ids among `ids` that are not known contacts of the tenant (never created, or merged away). */
export async function unknownContacts(m: EntityManager, tenantId: string, ids: string[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT u.id::text AS id FROM unnest($2::uuid[]) AS u(id)
      WHERE NOT EXISTS (SELECT 1 FROM contact_replicas r WHERE r.tenant_id = $1 AND r.id = u.id AND r.created_at IS NOT NULL AND r.merged_into IS NULL)`,
    [tenantId, ids],
  );
  return rows.map((r) => r.id);
}

/**
 * Before a write references contacts: give the replica a bounded moment to catch up with
 * contacts captured just before (the write itself still refuses unknown ones as NOT_FOUND).
 */
export async function awaitKnownContacts(m: EntityManager, tenantId: string, ids: readonly string[] | null | undefined): Promise<void> {
  const wanted = distinctUuids(ids ?? []);
  if (!wanted.length) return;
  await awaitReplica(async () => (await unknownContacts(m, tenantId, wanted)).length === 0);
}
