import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { Identity, Role, ROLES, TENANT_ID } from '@crm/service-kit';

const key = (secret: string) => new TextEncoder().encode(secret);

export class AuthError extends Error {}

/** What a token must satisfy besides its signature. */
export interface TokenPolicy {
  /** Longest lifetime (exp − iat) accepted, in seconds (default 24 h: AUTH_JWT_MAX_TTL). */
  maxTtlSeconds?: number;
  /** Required `iss` when set (AUTH_JWT_ISSUER). */
  issuer?: string;
  /** Required `aud` when set (AUTH_JWT_AUDIENCE). */
  audience?: string;
}

export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 24 * 60 * 60;
const CLOCK_TOLERANCE_SECONDS = 60;

/** Verify a user's bearer token (HS256, docs/security.md) and turn its claims into an Identity. */
export async function verifyUserToken(token: string, secret: string, policy: TokenPolicy = {}): Promise<Identity> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp', 'iat'],
      issuer: policy.issuer,
      audience: policy.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AuthError('token expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed && (err.claim === 'iss' || err.claim === 'aud')) {
      throw new AuthError(`token ${err.claim} is not accepted`);
    }
    throw new AuthError('invalid token');
  }
  const { sub, tid, roles, exp, iat } = payload as { sub?: unknown; tid?: unknown; roles?: unknown; exp: number; iat: number };
  // A stolen token is useful for its lifetime: refuse long-lived ones and ones issued in the future.
  const maxTtl = policy.maxTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS;
  if (exp - iat > maxTtl) throw new AuthError(`token lifetime exceeds ${maxTtl} s`);
  if (iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) throw new AuthError('token issued in the future');
  // Subgraphs store user ids (owners, actors) in 64 characters.
  if (typeof sub !== 'string' || !sub || sub.length > 64) throw new AuthError('token sub must be 1-64 characters');
  if (typeof tid !== 'string' || !TENANT_ID.test(tid)) throw new AuthError('token tid must be 1-64 characters of [A-Za-z0-9_-]');
  if (!Array.isArray(roles) || !roles.length || !roles.every((r) => (ROLES as readonly string[]).includes(r))) {
    throw new AuthError(`token roles must be a non-empty list of: ${ROLES.join(', ')}`);
  }
  return { tenantId: tid, userId: sub, roles: [...new Set(roles)] as Role[] };
}

/** Sign a user token: the embedded mode's demo admin token and the tests use this. */
export function issueUserToken(
  claims: { sub: string; tid: string; roles: Role[] },
  secret: string,
  expiresIn: string | number = '12h',
  extra: { issuer?: string; audience?: string } = {},
): Promise<string> {
  const jwt = new SignJWT({ tid: claims.tid, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (extra.issuer) jwt.setIssuer(extra.issuer);
  if (extra.audience) jwt.setAudience(extra.audience);
  return jwt.sign(key(secret));
}
