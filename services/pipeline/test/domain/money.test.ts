import { validateAmount, validateCurrency, weightedAmount, MAX_AMOUNT_MINOR_UNITS } from '../../src/domain/money';

describe('validateAmount', () => {
  it.each([0, 1, 1999, 1e13, 2 ** 31, Number.MAX_SAFE_INTEGER])('accepts %p minor units', (amount) => {
    expect(validateAmount(amount)).toEqual({ ok: true, value: amount });
  });

  it('caps at 2^53 - 1 minor units (SafeInt end to end)', () => {
    expect(MAX_AMOUNT_MINOR_UNITS).toBe(Number.MAX_SAFE_INTEGER);
    expect(validateAmount(Number.MAX_SAFE_INTEGER + 2)).toEqual({
      ok: false,
      field: 'amount',
      message: `amount must be at most ${Number.MAX_SAFE_INTEGER} minor units`,
    });
  });

  it('rejects negatives', () => {
    expect(validateAmount(-1)).toEqual({ ok: false, field: 'amount', message: 'amount must not be negative' });
  });

  it('rejects fractions of a minor unit', () => {
    expect(validateAmount(19.99)).toEqual({
      ok: false,
      field: 'amount',
      message: 'amount must be a whole number of minor units (e.g. 1999 for 19.99)',
    });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '100', null, undefined, 10n, {}])(
    'rejects %p as not a number',
    (amount) => {
      expect(validateAmount(amount)).toEqual({
        ok: false,
        field: 'amount',
        message: 'amount must be a number of minor units (e.g. cents)',
      });
    },
  );

  it('names the field it was given', () => {
    expect(validateAmount(-5, 'budget')).toEqual({ ok: false, field: 'budget', message: 'budget must not be negative' });
  });

  it('returns 0, not -0', () => {
    const result = validateAmount(-0);
    expect(result.ok && Object.is(result.value, 0)).toBe(true);
  });
});

describe('validateCurrency', () => {
  it.each([undefined, null])('defaults %p to USD', (code) => {
    expect(validateCurrency(code)).toEqual({ ok: true, value: 'USD' });
  });

  it('trims and upper-cases', () => {
    expect(validateCurrency(' eur ')).toEqual({ ok: true, value: 'EUR' });
    expect(validateCurrency('Jpy')).toEqual({ ok: true, value: 'JPY' });
  });

  it.each(['', 'US', 'USDT', 'U$D', '12A', 'US D'])('rejects the malformed code %p', (code) => {
    expect(validateCurrency(code)).toEqual({
      ok: false,
      field: 'currency',
      message: 'currency must be a 3-letter ISO 4217 code, e.g. USD',
    });
  });

  it('rejects a well-formed code that is not a currency', () => {
    expect(validateCurrency('ABC')).toEqual({ ok: false, field: 'currency', message: 'Unknown currency code ABC' });
  });

  it.each([840, true, {}])('rejects the non-string %p', (code) => {
    expect(validateCurrency(code)).toMatchObject({ ok: false, field: 'currency' });
  });
});

describe('weightedAmount', () => {
  it.each([
    [10000, 25, 2500],
    [10000, 0, 0],
    [10000, 100, 10000],
    [1, 50, 1], // 0.5 rounds away from zero
    [3, 50, 2], // 1.5 -> 2
    [5, 50, 3], // 2.5 -> 3, not banker's 2
    [1, 49, 0], // 0.49 -> 0
    [333, 10, 33], // 33.3 -> 33
    [335, 10, 34], // 33.5 -> 34
    [1e13, 75, 7.5e12],
    [1e13 - 1, 50, 5e12], // 4999999999999.5 -> 5e12
    [Number.MAX_SAFE_INTEGER, 50, 4503599627370496], // (2^53 - 1) / 2 = 2^52 - 0.5 -> 2^52, exact at the cap
    [Number.MAX_SAFE_INTEGER, 100, Number.MAX_SAFE_INTEGER],
  ])('weights %p at %p%% to %p', (amount, probability, expected) => {
    expect(weightedAmount(amount, probability)).toBe(expected);
  });

  it('rounds negative amounts away from zero and never returns -0', () => {
    expect(weightedAmount(-5, 50)).toBe(-3);
    expect(weightedAmount(-1, 49)).toBe(0);
    expect(Object.is(weightedAmount(-1, 49), 0)).toBe(true);
  });

  it('rounds per deal, so the sum of weighted amounts may differ from weighting the sum', () => {
    const perDeal = weightedAmount(1, 50) + weightedAmount(1, 50);
    expect(perDeal).toBe(2);
    expect(weightedAmount(2, 50)).toBe(1);
  });

  it.each([
    [1.5, 50],
    [Number.NaN, 50],
    [100, -1],
    [100, 101],
    [100, 12.5],
  ])('throws on impossible input %p, %p', (amount, probability) => {
    expect(() => weightedAmount(amount, probability)).toThrow(RangeError);
  });
});
