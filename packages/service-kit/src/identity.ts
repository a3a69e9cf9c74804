import { createHmac, timingSafeEqual } from 'node:crypto';

/** Who is calling, as the gateway established it (DESIGN §7). */
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
export const SIGNATURE_HEADER = 'x-crm-signature';
/** How far a signed request's clock may be from ours before it is refused as expired/replayed. */
export const MAX_SIGNATURE_AGE_SECONDS = 60;

function mac(secret: string, timestamp: string, identity: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.${identity}`).digest();
}

/** Headers the gateway adds to every subgraph request. */
export function signIdentity(identity: Identity, secret: string, nowMs = Date.now()): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(identity)).toString('base64url');
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [IDENTITY_HEADER]: encoded,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: mac(secret, timestamp, encoded).toString('base64url'),
  };
}

export class SignatureError extends Error {}

type HeaderBag = Record<string, string | string[] | undefined>;
const one = (h: HeaderBag, k: string) => {
  const v = h[k];
  return Array.isArray(v) ? v[0] : v;
};

/** A subgraph's check before anything executes: a missing, tampered or stale signature throws. */
export function verifyIdentity(headers: HeaderBag, secret: string, nowMs = Date.now()): Identity {
  const encoded = one(headers, IDENTITY_HEADER);
  const timestamp = one(headers, TIMESTAMP_HEADER);
  const signature = one(headers, SIGNATURE_HEADER);
  if (!encoded || !timestamp || !signature) throw new SignatureError('missing gateway signature');
  if (!/^\d{1,12}$/.test(timestamp)) throw new SignatureError('malformed signature timestamp');
  const expected = mac(secret, timestamp, encoded);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureError('invalid gateway signature');
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) {
    throw new SignatureError('expired gateway signature');
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
