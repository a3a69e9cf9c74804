import type { EntityManager } from 'typeorm';
import { awaitReplica, distinctUuids } from '@crm/service-kit';
import { ContactReplica } from '../entities';
import { applyReplicaChange, type PropertyVersions, type ReplicaProperties, type ReplicaProperty } from '../domain';

/** The replica row of a contact, created empty if none, locked for this transaction. */
export async function lockReplica(m: EntityManager, tenantId: string, contactId: string): Promise<void> {
  await lockReplicas(m, [{ tenantId, contactId }]);
}

type ReplicaKey = { tenantId: string; contactId: string };
const keyOf = (k: ReplicaKey) => `${k.tenantId}\u0000${k.contactId}`;

/** The rows (created empty if missing), locked in key order so two runs never deadlock; their versions by key. */
async function lockReplicas(m: EntityManager, keys: ReplicaKey[]): Promise<Map<string, PropertyVersions>> {
  const distinct = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
  const params = [distinct.map((k) => k.tenantId), distinct.map((k) => k.contactId)];
  await m.query(
    'INSERT INTO contact_replicas (tenant_id, id) SELECT * FROM unnest($1::varchar[], $2::uuid[]) ORDER BY 1, 2 ON CONFLICT DO NOTHING',
    params,
  );
  const rows: Array<{ tenant_id: string; id: string; versions: PropertyVersions | null }> = await m.query(
    `SELECT r.tenant_id, r.id, r.versions FROM contact_replicas r
       JOIN unnest($1::varchar[], $2::uuid[]) AS u(tenant_id, id) ON r.tenant_id = u.tenant_id AND r.id = u.id
      ORDER BY r.tenant_id, r.id FOR UPDATE OF r`,
    params,
  );
  return new Map(rows.map((r) => [keyOf({ tenantId: r.tenant_id, contactId: r.id }), r.versions ?? {}]));
}

/** One event's properties for one contact, at the event's time. */
export interface ReplicaChange extends ReplicaKey {
  change: Partial<ReplicaProperties>;
  at: Date;
}

/** The SQL type of each replicated property's column (the UPDATE casts the values it is sent). */
const COLUMN_TYPES: Record<ReplicaProperty, string> = {
  stage: 'varchar',
  score: 'int',
  industry: 'varchar',
  companySize: 'int',
  source: 'varchar',
  ownerId: 'varchar',
  churnRisk: 'boolean',
  customerSince: 'timestamptz',
  lastPurchaseAt: 'timestamptz',
  lastEngagementAt: 'timestamptz',
  createdAt: 'timestamptz',
  referrerId: 'uuid',
};

/**
 * Applies many changes in order, each property only if not older than what set its current
 * value (see applyReplicaChange); returns, per change, what it changed. Set-based: one lock
 * of every row touched and one UPDATE of the rows that changed, whatever the number of events
 * (a delivered run of capture events is three per contact).
 */
export async function updateReplicas(m: EntityManager, changes: ReplicaChange[]): Promise<Array<Partial<ReplicaProperties>>> {
  if (!changes.length) return [];
  const versionsByKey = await lockReplicas(m, changes);
  const written = new Map<string, { key: ReplicaKey; values: Partial<ReplicaProperties> }>();
  const applied = changes.map((c) => {
    const key = keyOf(c);
    const { values, versions } = applyReplicaChange(versionsByKey.get(key) ?? {}, c.change, c.at);
    if (Object.keys(values).length) {
      versionsByKey.set(key, versions);
      const row = written.get(key);
      if (row) Object.assign(row.values, values);
      else written.set(key, { key: c, values: { ...values } });
    }
    return values;
  });
  if (written.size)
    await writeReplicaValues(
      m,
      [...written.entries()].map(([k, w]) => ({ ...w, versions: versionsByKey.get(k)! })),
    );
  return applied;
}

async function writeReplicaValues(
  m: EntityManager,
  rows: Array<{ key: ReplicaKey; values: Partial<ReplicaProperties>; versions: PropertyVersions }>,
): Promise<void> {
  const columns = m.connection.getMetadata(ContactReplica);
  // A property the row's changes did not touch keeps its value (`?` tests the key's presence).
  const sets = (Object.keys(COLUMN_TYPES) as ReplicaProperty[]).map((p) => {
    const column = columns.findColumnWithPropertyName(p)!.databaseName;
    return `"${column}" = CASE WHEN u.v ? '${p}' THEN (u.v->>'${p}')::${COLUMN_TYPES[p]} ELSE r."${column}" END`;
  });
  // Values travel as text[] and are cast per row (a large jsonb[] parameter parses slowly).
  await m.query(
    `UPDATE contact_replicas r SET versions = u.versions::jsonb, ${sets.join(', ')}
       FROM (SELECT t, i, v::jsonb AS v, versions FROM unnest($1::varchar[], $2::uuid[], $3::text[], $4::text[]) AS x(t, i, v, versions)) AS u
      WHERE r.tenant_id = u.t AND r.id = u.i`,
    [
      rows.map((r) => r.key.tenantId),
      rows.map((r) => r.key.contactId),
      rows.map((r) => JSON.stringify(r.values)),
      rows.map((r) => JSON.stringify(r.versions)),
    ],
  );
}

/** updateReplica for one contact: what the change applied (see updateReplicas). */
export async function updateReplica(
  m: EntityManager,
  tenantId: string,
  contactId: string,
  change: Partial<ReplicaProperties>,
  at: Date,
): Promise<Partial<ReplicaProperties>> {
  const [applied] = await updateReplicas(m, [{ tenantId, contactId, change, at }]);
  return applied;
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
