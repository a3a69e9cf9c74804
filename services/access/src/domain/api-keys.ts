import { createHash, timingSafeEqual } from 'node:crypto';
import { API_KEY_SCOPES, badInput, characterLength } from '@crm/service-kit';

/** `crm_<prefix>_<secret>`: a 10-hex-digit prefix (visible, unique) and 32 random bytes (256 bits). */
export const KEY_FORMAT = /^crm_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
export const MAX_RATE_LIMIT_PER_MINUTE = 100_000;
export const MAX_KEY_NAME_LENGTH = 100;

/** The key as sent, from its random parts (the caller draws them: no randomness here). */
export const formatKey = (prefix: string, secret: string) => `crm_${prefix}_${secret}`;

/** The prefix of a well-formed key, or undefined: nothing else is looked up. */
export function keyPrefix(key: string): string | undefined {
  return KEY_FORMAT.exec(key)?.[1];
}

/** SHA-256 is enough for a 256-bit random secret (no dictionary to try); stored hex. */
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Constant-time comparison of a presented key with a stored hash. */
export function keyMatches(key: string, storedHash: string): boolean {
  const given = Buffer.from(hashKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export interface KeyRequest {
  name: string;
  scopes: string[];
  rateLimitPerMinute?: number | null;
}

/** The rules of a new key: a name, known scopes (at least one, no duplicates), a sane rate. */
export function validateKeyRequest(input: KeyRequest): { name: string; scopes: string[]; rateLimitPerMinute: number } {
  const name = input.name.trim();
  if (!name) throw badInput('name', 'name is required');
  if (characterLength(name) > MAX_KEY_NAME_LENGTH) throw badInput('name', `name must be at most ${MAX_KEY_NAME_LENGTH} characters`);
  if (!input.scopes.length) throw badInput('scopes', 'a key needs at least one scope');
  const unknown = input.scopes.find((s) => !(API_KEY_SCOPES as string[]).includes(s));
  if (unknown !== undefined) throw badInput('scopes', `unknown scope "${unknown.slice(0, 40)}"; known: ${API_KEY_SCOPES.join(', ')}`);
  const rate = input.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE_LIMIT_PER_MINUTE) {
    throw badInput('rateLimitPerMinute', `rateLimitPerMinute must be between 1 and ${MAX_RATE_LIMIT_PER_MINUTE}`);
  }
  return { name, scopes: [...new Set(input.scopes)].sort(), rateLimitPerMinute: rate };
}
