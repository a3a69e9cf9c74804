import {
  IDENTITY_HEADER,
  MAX_SIGNATURE_AGE_SECONDS,
  NONCE_HEADER,
  NonceCache,
  SIGNATURE_HEADER,
  signIdentity,
  SignatureError,
  SignedRequest,
  TIMESTAMP_HEADER,
  verifyIdentity,
} from '../src/identity';

const secret = 'subgraph-secret-for-tests';
const identity = { tenantId: 'acme', userId: 'u1', roles: ['sales' as const] };
const request: SignedRequest = { method: 'POST', subgraph: 'leads', body: '{"query":"{ contacts { totalCount } }"}' };

describe('gateway identity signature', () => {
  test('a signed identity verifies and round-trips', () => {
    expect(verifyIdentity(signIdentity(identity, secret, request), secret, request)).toEqual(identity);
  });

  test('missing headers are refused', () => {
    expect(() => verifyIdentity({}, secret, request)).toThrow('missing gateway signature');
  });

  test('a tampered identity is refused', () => {
    const headers = signIdentity(identity, secret, request);
    headers[IDENTITY_HEADER] = Buffer.from(JSON.stringify({ ...identity, tenantId: 'other' })).toString('base64url');
    expect(() => verifyIdentity(headers, secret, request)).toThrow('invalid gateway signature');
  });

  test('a signature made with another secret is refused', () => {
    expect(() => verifyIdentity(signIdentity(identity, 'another-secret-value', request), secret, request)).toThrow(SignatureError);
  });

  test('a moved timestamp or a changed nonce breaks the signature', () => {
    const moved = signIdentity(identity, secret, request);
    moved[TIMESTAMP_HEADER] = String(Number(moved[TIMESTAMP_HEADER]) + 1);
    expect(() => verifyIdentity(moved, secret, request)).toThrow('invalid gateway signature');
    const renonced = { ...signIdentity(identity, secret, request), [NONCE_HEADER]: 'AAAAAAAAAAAAAAAAAAAAAA' };
    expect(() => verifyIdentity(renonced, secret, request)).toThrow('invalid gateway signature');
  });

  test('replayed with another body, another method or against another subgraph: refused', () => {
    const headers = signIdentity(identity, secret, request);
    expect(() => verifyIdentity(headers, secret, { ...request, body: '{"query":"mutation { mergeContacts }"}' })).toThrow(
      'invalid gateway signature',
    );
    expect(() => verifyIdentity(headers, secret, { ...request, body: `${request.body} ` })).toThrow('invalid gateway signature');
    expect(() => verifyIdentity(headers, secret, { ...request, subgraph: 'pipeline' })).toThrow('invalid gateway signature');
    expect(() => verifyIdentity(headers, secret, { ...request, method: 'GET' })).toThrow('invalid gateway signature');
    expect(verifyIdentity(headers, secret, { ...request, body: Buffer.from(request.body as string) }).tenantId).toBe('acme');
  });

  test(`an old signature has expired; a fresh one within ${MAX_SIGNATURE_AGE_SECONDS} s has not, in either direction`, () => {
    const now = Date.now();
    const window = MAX_SIGNATURE_AGE_SECONDS * 1000;
    expect(() => verifyIdentity(signIdentity(identity, secret, request, now - window - 1000), secret, request, { nowMs: now })).toThrow(
      'expired gateway signature',
    );
    expect(() => verifyIdentity(signIdentity(identity, secret, request, now + window + 1000), secret, request, { nowMs: now })).toThrow(
      'expired gateway signature',
    );
    expect(verifyIdentity(signIdentity(identity, secret, request, now - window + 2000), secret, request, { nowMs: now }).tenantId).toBe(
      'acme',
    );
  });

  test('a nonce is good once within the window', () => {
    const nonces = new NonceCache();
    const headers = signIdentity(identity, secret, request);
    expect(verifyIdentity(headers, secret, request, { nonces }).tenantId).toBe('acme');
    expect(() => verifyIdentity(headers, secret, request, { nonces })).toThrow('replayed gateway signature');
    // Another signature of the same request has its own nonce.
    expect(verifyIdentity(signIdentity(identity, secret, request), secret, request, { nonces }).tenantId).toBe('acme');
  });

  test('the nonce cache forgets nonces once their window is over, and refuses rather than forgets when full', () => {
    const cache = new NonceCache(2);
    expect(cache.claim('a', 1000, 0)).toBe(true);
    expect(cache.claim('b', 2000, 0)).toBe(true);
    expect(cache.claim('c', 3000, 500)).toBe(false); // full of live nonces
    expect(cache.claim('a', 3000, 500)).toBe(false);
    expect(cache.claim('c', 3000, 1500)).toBe(true); // 'a' expired
    expect(cache.size).toBe(2);
  });

  test('a rejected signature does not use up its nonce', () => {
    const nonces = new NonceCache();
    const headers = signIdentity(identity, secret, request);
    expect(() => verifyIdentity(headers, secret, { ...request, subgraph: 'tickets' }, { nonces })).toThrow(SignatureError);
    expect(nonces.size).toBe(0);
  });

  test('a garbage signature of the wrong length, or a malformed nonce, is refused without throwing anything else', () => {
    expect(() => verifyIdentity({ ...signIdentity(identity, secret, request), [SIGNATURE_HEADER]: 'abc' }, secret, request)).toThrow(
      SignatureError,
    );
    expect(() => verifyIdentity({ ...signIdentity(identity, secret, request), [NONCE_HEADER]: 'x y' }, secret, request)).toThrow(
      'malformed signature nonce',
    );
  });

  test('an identity without a valid tenant is refused even when signed', () => {
    expect(() => verifyIdentity(signIdentity({ ...identity, tenantId: 'bad tenant!' }, secret, request), secret, request)).toThrow(
      'no valid tenant',
    );
  });
});
