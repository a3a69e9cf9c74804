import { DomainError } from '@crm/service-kit';
import { formatKey, hashKey, keyMatches, keyPrefix, validateKeyRequest } from '../../src/domain/api-keys';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).extensions.field;
  }
  return undefined;
};

describe('API key format', () => {
  const key = formatKey('0123abcdef', 'A'.repeat(43));
  test('the prefix of a well-formed key; nothing for anything else', () => {
    expect(keyPrefix(key)).toBe('0123abcdef');
    expect(keyPrefix(`${key}x`)).toBeUndefined();
    expect(keyPrefix('crm_0123ABCDEF_' + 'A'.repeat(43))).toBeUndefined();
    expect(keyPrefix('Bearer x')).toBeUndefined();
  });
  test('a key matches its own hash only', () => {
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyMatches(key, hashKey(key))).toBe(true);
    expect(keyMatches(formatKey('0123abcdef', 'B'.repeat(43)), hashKey(key))).toBe(false);
    expect(keyMatches(key, 'abc')).toBe(false);
  });
});

describe('validateKeyRequest', () => {
  test('trims the name, de-duplicates and sorts scopes, defaults the rate', () => {
    expect(validateKeyRequest({ name: ' Zapier ', scopes: ['deals:read', 'contacts:read', 'deals:read'] })).toEqual({
      name: 'Zapier',
      scopes: ['contacts:read', 'deals:read'],
      rateLimitPerMinute: 600,
    });
  });
  test.each([
    [{ name: ' ', scopes: ['deals:read'] }, 'name'],
    [{ name: 'x'.repeat(101), scopes: ['deals:read'] }, 'name'],
    [{ name: 'x', scopes: [] }, 'scopes'],
    [{ name: 'x', scopes: ['admin'] }, 'scopes'],
    [{ name: 'x', scopes: ['internal'] }, 'scopes'],
    [{ name: 'x', scopes: ['deals:delete'] }, 'scopes'],
    [{ name: 'x', scopes: ['deals:read'], rateLimitPerMinute: 0 }, 'rateLimitPerMinute'],
    [{ name: 'x', scopes: ['deals:read'], rateLimitPerMinute: 100_001 }, 'rateLimitPerMinute'],
  ])('%j is refused on %s', (input, field) => {
    expect(fieldOf(() => validateKeyRequest(input))).toBe(field);
  });
});
