import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Actor, conflict, notFound, requireUuid, tenantRepository } from '@crm/service-kit';
import { ApiKey } from '../entities';
import { formatKey, hashKey, KeyRequest, keyMatches, keyPrefix, validateKeyRequest } from '../domain/api-keys';

export interface CreatedKey {
  secret: string;
  apiKey: ApiKey;
}

/** A fresh key: 40 bits of visible prefix, 256 bits of secret. */
function drawKey(): { prefix: string; secret: string } {
  const prefix = randomBytes(5).toString('hex');
  return { prefix, secret: formatKey(prefix, randomBytes(32).toString('base64url')) };
}

export async function createApiKey(m: EntityManager, actor: Actor, input: KeyRequest): Promise<CreatedKey> {
  const valid = validateKeyRequest(input);
  const { prefix, secret } = drawKey();
  const keys = tenantRepository(m, ApiKey, actor.tenantId);
  const apiKey = await keys.save(
    keys.create({ ...valid, prefix, secretHash: hashKey(secret), createdBy: actor.userId ?? 'system', lastUsedAt: null, revokedAt: null }),
  );
  return { secret, apiKey };
}

export function listApiKeys(m: EntityManager, tenantId: string): Promise<ApiKey[]> {
  return tenantRepository(m, ApiKey, tenantId).find({ order: { createdAt: 'DESC', id: 'DESC' } });
}

async function liveKey(m: EntityManager, actor: Actor, id: string): Promise<ApiKey> {
  const key = await tenantRepository(m, ApiKey, actor.tenantId).findOneForUpdate({ id: requireUuid(id, 'id') });
  if (!key) throw notFound('ApiKey', id, 'id');
  if (key.revokedAt) throw conflict(`ApiKey ${id} is revoked`, { reason: 'REVOKED' });
  return key;
}

/** Same key, new secret (and prefix): the old secret is refused once gateway caches expire (≤ 5 s). */
export async function rotateApiKey(m: EntityManager, actor: Actor, id: string): Promise<CreatedKey> {
  const key = await liveKey(m, actor, id);
  const { prefix, secret } = drawKey();
  Object.assign(key, { prefix, secretHash: hashKey(secret) });
  return { secret, apiKey: await tenantRepository(m, ApiKey, actor.tenantId).save(key) };
}

export async function revokeApiKey(m: EntityManager, actor: Actor, id: string, now: Date): Promise<ApiKey> {
  const key = await liveKey(m, actor, id);
  key.revokedAt = now;
  return tenantRepository(m, ApiKey, actor.tenantId).save(key);
}

export interface ApiKeyGrant {
  keyId: string;
  tenantId: string;
  scopes: string[];
  rateLimitPerMinute: number;
}

/**
 * The gateway's look-up of a presented key. The one read not scoped to a tenant: the key is
 * what names its tenant. Found by its prefix, then compared in constant time with the hash.
 */
export async function grantFor(m: EntityManager, presented: string): Promise<ApiKeyGrant | null> {
  const prefix = keyPrefix(presented);
  if (!prefix) return null;
  const key = await m.getRepository(ApiKey).findOne({ where: { prefix } });
  if (!key || key.revokedAt || !keyMatches(presented, key.secretHash)) return null;
  return { keyId: key.id, tenantId: key.tenantId, scopes: key.scopes, rateLimitPerMinute: key.rateLimitPerMinute };
}

/**
 * lastUsedAt without a write per request: uses are noted in memory and written every few
 * seconds, one statement for all keys used since the last flush.
 */
export class KeyUsage {
  private readonly pending = new Map<string, Date>();

  note(keyId: string, at: Date) {
    const seen = this.pending.get(keyId);
    if (!seen || seen < at) this.pending.set(keyId, at);
  }

  async flush(m: EntityManager): Promise<number> {
    if (!this.pending.size) return 0;
    const batch = [...this.pending];
    this.pending.clear();
    await m.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id`,
      [batch.map(([id]) => id), batch.map(([, at]) => at.toISOString())],
    );
    return batch.length;
  }
}
