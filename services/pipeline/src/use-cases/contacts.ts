import type { EntityManager } from 'typeorm';
import { awaitReplica, isUuid, notFound, tenantRepository } from '@crm/service-kit';
import { ContactReplica } from '../entities';

/** contact.created (and any event proving a contact exists): pipeline now knows it. Idempotent. */
export async function rememberContact(m: EntityManager, tenantId: string, contactId: string): Promise<void> {
  await m.query('INSERT INTO contact_replicas (tenant_id, id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, contactId.toLowerCase()]);
}

/** rememberContact for many contacts (a delivered run of contact.created) in one statement. */
export async function rememberContacts(m: EntityManager, contacts: Array<{ tenantId: string; contactId: string }>): Promise<void> {
  if (!contacts.length) return;
  await m.query('INSERT INTO contact_replicas (tenant_id, id) SELECT * FROM unnest($1::varchar[], $2::uuid[]) ON CONFLICT DO NOTHING', [
    contacts.map((c) => c.tenantId),
    contacts.map((c) => c.contactId.toLowerCase()),
  ]);
}

/** contact.merged: the duplicate is gone (new deals may not point at it); the primary exists. */
export async function rememberMerge(m: EntityManager, tenantId: string, primaryId: string, duplicateId: string): Promise<void> {
  await rememberContact(m, tenantId, primaryId);
  await m.query(
    `INSERT INTO contact_replicas (tenant_id, id, merged_into) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, id) DO UPDATE SET merged_into = EXCLUDED.merged_into`,
    [tenantId, duplicateId.toLowerCase(), primaryId.toLowerCase()],
  );
}

/** A contact a new deal or activity may point at: known in the tenant and not merged away. */
export async function requireKnownContact(m: EntityManager, tenantId: string, contactId: string, field = 'contactId'): Promise<void> {
  const known = await tenantRepository(m, ContactReplica, tenantId).findOne({ id: contactId });
  if (!known) throw notFound('Contact', contactId, field);
  if (known.mergedInto) throw notFound('Contact', `${contactId} (merged into ${known.mergedInto})`, field);
}

/**
 * Before a write references a contact: give the replica a bounded moment to catch up with a
 * contact captured just before (the write itself still refuses an unknown one as NOT_FOUND).
 */
export async function awaitKnownContact(m: EntityManager, tenantId: string, contactId: string | null | undefined): Promise<void> {
  if (typeof contactId !== 'string' || !isUuid(contactId)) return;
  const id = contactId.toLowerCase();
  await awaitReplica(async () => !!(await tenantRepository(m, ContactReplica, tenantId).findOne({ id })));
}
