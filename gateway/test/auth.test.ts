import { SignJWT } from 'jose';
import { issueUserToken, verifyUserToken } from '../src/auth';

const secret = 'jwt-secret-for-gateway-tests';
const key = new TextEncoder().encode(secret);
const sign = (claims: Record<string, unknown>, exp: string | number = '1h', alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg }).setSubject('u1').setExpirationTime(exp).sign(key);

describe('verifyUserToken', () => {
  test('a valid token becomes the identity', async () => {
    const token = await issueUserToken({ sub: 'u1', tid: 'acme', roles: ['sales', 'support'] }, secret);
    expect(await verifyUserToken(token, secret)).toEqual({ tenantId: 'acme', userId: 'u1', roles: ['sales', 'support'] });
  });

  test('expired', async () => {
    const token = await sign({ tid: 'acme', roles: [] }, Math.floor(Date.now() / 1000) - 10);
    await expect(verifyUserToken(token, secret)).rejects.toThrow('token expired');
  });

  test('signed with another secret', async () => {
    const token = await issueUserToken({ sub: 'u1', tid: 'acme', roles: [] }, 'some-other-secret-value');
    await expect(verifyUserToken(token, secret)).rejects.toThrow('invalid token');
  });

  test.each([
    [{ roles: ['admin'] }, 'tid'],
    [{ tid: '', roles: ['admin'] }, 'tid'],
    [{ tid: 'x'.repeat(65), roles: ['admin'] }, 'tid'],
    [{ tid: 'bad tenant', roles: ['admin'] }, 'tid'],
    [{ tid: 'acme' }, 'roles'],
    [{ tid: 'acme', roles: ['root'] }, 'roles'],
  ])('claims %j are refused (%s)', async (claims, what) => {
    await expect(verifyUserToken(await sign(claims), secret)).rejects.toThrow(what);
  });

  test('a subject longer than 64 characters is refused', async () => {
    const token = await issueUserToken({ sub: 'u'.repeat(65), tid: 'acme', roles: [] }, secret);
    await expect(verifyUserToken(token, secret)).rejects.toThrow('token sub must be 1-64 characters');
  });

  test('a token without exp is refused', async () => {
    const token = await new SignJWT({ tid: 'acme', roles: [] }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(key);
    await expect(verifyUserToken(token, secret)).rejects.toThrow('invalid token');
  });

  test('garbage is refused', async () => {
    await expect(verifyUserToken('not.a.jwt', secret)).rejects.toThrow('invalid token');
  });
});
