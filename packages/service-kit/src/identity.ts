import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** Who is calling, as the gateway established it (docs/security.md). */
export interface Identity {
  tenantId: string;
  userId: string;
  roles: Role[];
  /** Partner API keys carry scopes; users have none and are governed by roles. */
  scopes?: string[];
}

/** Who acts in a use case: the tenant always, the user when a person (not a rule) did it. */
export interface Actor {
  tenantId: string;
  userId: string | null;
}

export const ROLES = ['admin', 'sales', 'marketing', 'support', 'analyst'] as const;
export type Role = (typeof ROLES)[number];
export const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** User ids (JWT `sub`, key ids) as the gateway accepts them and every owner/actor column stores them. */
export const MAX_USER_ID_LENGTH = 64;

export const IDENTITY_HEADER = 'x-crm-identity';
export const TIMESTAMP_HEADER = 'x-crm-timestamp';
export const NONCE_HEADER = 'x-crm-nonce';
export const SIGNATURE_HEADER = 'x-crm-signature';
/** How far a signed request's clock may be from ours before it is refused as expired. */
export const MAX_SIGNATURE_AGE_SECONDS = 30;

/** What a signature binds besides the identity: a captured header set is worth nothing for another request. */
export interface SignedRequest {
  method: string;
  /** The target subgraph's name (subgraphs.json): a signature for leads does not open pipeline. */
  subgraph: string;
  body: string | Buffer;
}

const digest = (body: string | Buffer) => createHash('sha256').update(body).digest('base64url');

function mac(secret: string, parts: { timestamp: string; nonce: string; identity: string } & SignedRequest): Buffer {
  const text = [
    'crm-v2',
    parts.method.toUpperCase(),
    parts.subgraph,
    parts.timestamp,
    parts.nonce,
    digest(parts.body),
    parts.identity,
  ].join('\n');
  return createHmac('sha256', secret).update(text).digest();
}

/** Headers the gateway adds to every subgraph request (and `@crm/testing` to its direct calls). */
export function signIdentity(identity: Identity, secret: string, request: SignedRequest, nowMs = Date.now()): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(identity)).toString('base64url');
  const timestamp = String(Math.floor(nowMs / 1000));
  // 122 random bits from Node's buffered CSPRNG: randomBytes per call was 1.5 % of the gateway's CPU.
  const nonce = randomUUID();
  return {
    [IDENTITY_HEADER]: encoded,
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: mac(secret, { ...request, timestamp, nonce, identity: encoded }).toString('base64url'),
  };
}

export class SignatureError extends Error {}

/**
 * Nonces seen within the signature window, each kept until its timestamp leaves the window:
 * one use per nonce. Bounded: when full of live entries it refuses new ones (a flood of
 * signed requests beyond what the window can hold) rather than forgetting and allowing replays.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  constructor(readonly maxEntries = 200_000) {}

  /** false when the nonce was already used (or the cache cannot hold another live one). */
  claim(nonce: string, expiresAtMs: number, nowMs: number): boolean {
    this.prune(nowMs);
    if (this.seen.has(nonce) || this.seen.size >= this.maxEntries) return false;
    this.seen.set(nonce, expiresAtMs);
    return true;
  }

  get size() {
    return this.seen.size;
  }

  private prune(nowMs: number) {
    // Insertion order is nearly expiry order (timestamps are within the window of arrival).
    for (const [nonce, expires] of this.seen) {
      if (expires > nowMs) break;
      this.seen.delete(nonce);
    }
  }
}

type HeaderBag = Record<string, string | string[] | undefined>;
const one = (h: HeaderBag, k: string) => {
  const v = h[k];
  return Array.isArray(v) ? v[0] : v;
};

export interface VerifyOptions {
  nonces?: NonceCache;
  nowMs?: number;
}

/**
 * A subgraph's check before anything executes: a missing, tampered, stale or replayed signature,
 * or one made for another method, body or subgraph, throws.
 */
export function verifyIdentity(headers: HeaderBag, secret: string, request: SignedRequest, opts: VerifyOptions = {}): Identity {
  const nowMs = opts.nowMs ?? Date.now();
  const encoded = one(headers, IDENTITY_HEADER);
  const timestamp = one(headers, TIMESTAMP_HEADER);
  const nonce = one(headers, NONCE_HEADER);
  const signature = one(headers, SIGNATURE_HEADER);
  if (!encoded || !timestamp || !nonce || !signature) throw new SignatureError('missing gateway signature');
  if (!/^\d{1,12}$/.test(timestamp)) throw new SignatureError('malformed signature timestamp');
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) throw new SignatureError('malformed signature nonce');
  if (encoded.length > 8192) throw new SignatureError('malformed identity');
  const expected = mac(secret, { ...request, timestamp, nonce, identity: encoded });
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureError('invalid gateway signature');
  }
  const signedAtMs = Number(timestamp) * 1000;
  if (Math.abs(nowMs - signedAtMs) > MAX_SIGNATURE_AGE_SECONDS * 1000) throw new SignatureError('expired gateway signature');
  if (opts.nonces && !opts.nonces.claim(nonce, signedAtMs + MAX_SIGNATURE_AGE_SECONDS * 1000 + 1000, nowMs)) {
    throw new SignatureError('replayed gateway signature');
  }
  let identity: Identity;
  try {
    identity = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new SignatureError('malformed identity');
  }
  if (typeof identity?.tenantId !== 'string' || !TENANT_ID.test(identity.tenantId)) {
    throw new SignatureError('identity has no valid tenant');
  }
  return identity;
}
