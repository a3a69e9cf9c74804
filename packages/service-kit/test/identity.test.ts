import { IDENTITY_HEADER, SIGNATURE_HEADER, signIdentity, SignatureError, TIMESTAMP_HEADER, verifyIdentity } from '../src/identity';

const secret = 'subgraph-secret-for-tests';
const identity = { tenantId: 'acme', userId: 'u1', roles: ['sales' as const] };

describe('gateway identity signature', () => {
  test('a signed identity verifies and round-trips', () => {
    expect(verifyIdentity(signIdentity(identity, secret), secret)).toEqual(identity);
  });

  test('missing headers are refused', () => {
    expect(() => verifyIdentity({}, secret)).toThrow('missing gateway signature');
  });

  test('a tampered identity is refused', () => {
    const headers = signIdentity(identity, secret);
    headers[IDENTITY_HEADER] = Buffer.from(JSON.stringify({ ...identity, tenantId: 'other' })).toString('base64url');
    expect(() => verifyIdentity(headers, secret)).toThrow('invalid gateway signature');
  });

  test('a signature made with another secret is refused', () => {
    expect(() => verifyIdentity(signIdentity(identity, 'another-secret-value'), secret)).toThrow(SignatureError);
  });

  test('a moved timestamp breaks the signature', () => {
    const headers = signIdentity(identity, secret);
    headers[TIMESTAMP_HEADER] = String(Number(headers[TIMESTAMP_HEADER]) + 1);
    expect(() => verifyIdentity(headers, secret)).toThrow('invalid gateway signature');
  });

  test('an old signature has expired; a fresh one within 60 s has not', () => {
    const now = Date.now();
    expect(() => verifyIdentity(signIdentity(identity, secret, now - 61_000), secret, now)).toThrow('expired gateway signature');
    expect(verifyIdentity(signIdentity(identity, secret, now - 59_000), secret, now).tenantId).toBe('acme');
  });

  test('a garbage signature of the wrong length is refused without throwing anything else', () => {
    const headers = { ...signIdentity(identity, secret), [SIGNATURE_HEADER]: 'abc' };
    expect(() => verifyIdentity(headers, secret)).toThrow(SignatureError);
  });

  test('an identity without a valid tenant is refused even when signed', () => {
    expect(() => verifyIdentity(signIdentity({ ...identity, tenantId: 'bad tenant!' }, secret), secret)).toThrow('no valid tenant');
  });
});
