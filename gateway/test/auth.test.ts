import { SignJWT } from 'jose';
import { issueUserToken, verifyUserToken } from '../src/auth';

const secret = 'jwt-secret-for-gateway-tests';
const key = new TextEncoder().encode(secret);
const sign = (claims: Record<string, unknown>, exp: string | number = '1h', alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg }).setSubject('u1').setIssuedAt().setExpirationTime(exp).sign(key);

describe('verifyUserToken', () => {
  test('a valid token becomes the identity', async () => {
    const token = await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['sales', 'support'] }, secret);
    expect(await verifyUserToken(token, secret)).toEqual({ tenantId: 'acme', userId: 'u1', roles: ['sales', 'support'] });
  });

  test('expired', async () => {
    const token = await new SignJWT({ tid: 'acme', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(key);
    await expect(verifyUserToken(token, secret)).rejects.toThrow('token expired');
  });

  test('signed with another secret', async () => {
    const token = await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['admin'] }, 'some-other-secret-value');
    await expect(verifyUserToken(token, secret)).rejects.toThrow('invalid token');
  });

  test.each([
    [{ roles: ['admin'] }, 'tid'],
    [{ tid: '', roles: ['admin'] }, 'tid'],
    [{ tid: 'x'.repeat(65), roles: ['admin'] }, 'tid'],
    [{ tid: 'bad tenant', roles: ['admin'] }, 'tid'],
    [{ tid: 'acme' }, 'roles'],
    [{ tid: 'acme', roles: ['root'] }, 'roles'],
    [{ tid: 'acme', roles: [] }, 'roles must be a non-empty list'],
  ])('claims %j are refused (%s)', async (claims, what) => {
    await expect(verifyUserToken(await sign(claims), secret)).rejects.toThrow(what);
  });

  test('a subject longer than 64 characters is refused', async () => {
    const token = await issueUserToken({ sub: 'u'.repeat(65), tid: 'acme', roles: ['admin'] }, secret);
    await expect(verifyUserToken(token, secret)).rejects.toThrow('token sub must be 1-64 characters');
  });

  test('a token without exp is refused', async () => {
    const token = await new SignJWT({ tid: 'acme', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuedAt()
      .sign(key);
    await expect(verifyUserToken(token, secret)).rejects.toThrow('invalid token');
  });

  test('a token without iat is refused (its lifetime is unknown)', async () => {
    const token = await new SignJWT({ tid: 'acme', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime('1h')
      .sign(key);
    await expect(verifyUserToken(token, secret)).rejects.toThrow('invalid token');
  });

  test('lifetime: over 24 h is refused by default; a configured max TTL allows longer (embedded demo token)', async () => {
    const long = await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['admin'] }, secret, '25h');
    await expect(verifyUserToken(long, secret)).rejects.toThrow('token lifetime exceeds 86400 s');
    expect(
      (await verifyUserToken(await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['admin'] }, secret, '24h'), secret)).tenantId,
    ).toBe('acme');
    const month = await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['admin'] }, secret, '30d');
    expect((await verifyUserToken(month, secret, { maxTtlSeconds: 30 * 24 * 3600 })).tenantId).toBe('acme');
    await expect(verifyUserToken(long, secret, { maxTtlSeconds: 3600 })).rejects.toThrow('token lifetime exceeds 3600 s');
  });

  test('a token issued in the future is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ tid: 'acme', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuedAt(now + 3600)
      .setExpirationTime(now + 7200)
      .sign(key);
    await expect(verifyUserToken(token, secret)).rejects.toThrow(/future|invalid token/);
  });

  test('issuer and audience are checked when configured', async () => {
    const policy = { issuer: 'https://id.example', audience: 'crm' };
    const good = await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['admin'] }, secret, '1h', policy);
    expect((await verifyUserToken(good, secret, policy)).userId).toBe('u1');
    const none = await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['admin'] }, secret, '1h');
    await expect(verifyUserToken(none, secret, policy)).rejects.toThrow(/token (iss|aud) is not accepted/);
    const otherAud = await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['admin'] }, secret, '1h', { ...policy, audience: 'billing' });
    await expect(verifyUserToken(otherAud, secret, policy)).rejects.toThrow('token aud is not accepted');
    // Without configuration, iss/aud are not required.
    expect((await verifyUserToken(good, secret)).userId).toBe('u1');
  });

  test('garbage is refused', async () => {
    await expect(verifyUserToken('not.a.jwt', secret)).rejects.toThrow('invalid token');
  });
});
