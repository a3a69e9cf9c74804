import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { Identity, Role, ROLES, TENANT_ID } from '@crm/service-kit';

const key = (secret: string) => new TextEncoder().encode(secret);

export class AuthError extends Error {}

/** Verify a user's bearer token (HS256, DESIGN §7) and turn its claims into an Identity. */
export async function verifyUserToken(token: string, secret: string): Promise<Identity> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AuthError('token expired');
    throw new AuthError('invalid token');
  }
  const { sub, tid, roles } = payload as { sub?: unknown; tid?: unknown; roles?: unknown };
  // Subgraphs store user ids (owners, actors) in 64 characters.
  if (typeof sub !== 'string' || !sub || sub.length > 64) throw new AuthError('token sub must be 1-64 characters');
  if (typeof tid !== 'string' || !TENANT_ID.test(tid)) throw new AuthError('token tid must be 1-64 characters of [A-Za-z0-9_-]');
  if (!Array.isArray(roles) || !roles.every((r) => (ROLES as readonly string[]).includes(r))) {
    throw new AuthError(`token roles must be a list of: ${ROLES.join(', ')}`);
  }
  return { tenantId: tid, userId: sub, roles: roles as Role[] };
}

/** Sign a user token: the embedded mode's demo admin token and the tests use this. */
export function issueUserToken(
  claims: { sub: string; tid: string; roles: Role[] },
  secret: string,
  expiresIn: string | number = '12h',
): Promise<string> {
  return new SignJWT({ tid: claims.tid, roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(secret));
}
