import { attributeRevenue, touchTime, Touch } from '../../src/domain/attribution';

const at = (iso: string) => new Date(iso);
const t = (campaignId: string, iso: string): Touch => ({ campaignId, at: at(iso) });
const sums = (shares: ReturnType<typeof attributeRevenue>) => ({
  first: shares.reduce((s, x) => s + x.firstTouch, 0),
  last: shares.reduce((s, x) => s + x.lastTouch, 0),
  linear: shares.reduce((s, x) => s + x.linear, 0),
});

describe('attributeRevenue', () => {
  test('zero touches: nothing attributed', () => {
    expect(attributeRevenue(1000, [])).toEqual([]);
  });
  test('one touch takes everything under every model', () => {
    expect(attributeRevenue(999, [t('a', '2026-01-01T00:00:00Z')])).toEqual([
      { campaignId: 'a', firstTouch: 999, lastTouch: 999, linear: 999 },
    ]);
  });
  test('touches in time order, whatever the input order; remainder to the last', () => {
    const shares = attributeRevenue(1000, [t('c', '2026-03-01T00:00:00Z'), t('a', '2026-01-01T00:00:00Z'), t('b', '2026-02-01T00:00:00Z')]);
    expect(shares).toEqual([
      { campaignId: 'a', firstTouch: 1000, lastTouch: 0, linear: 333 },
      { campaignId: 'b', firstTouch: 0, lastTouch: 0, linear: 333 },
      { campaignId: 'c', firstTouch: 0, lastTouch: 1000, linear: 334 },
    ]);
  });
  test('an amount smaller than the touch count: the last touch takes it all under LINEAR', () => {
    const shares = attributeRevenue(2, [t('a', '2026-01-01T00:00:00Z'), t('b', '2026-01-02T00:00:00Z'), t('c', '2026-01-03T00:00:00Z')]);
    expect(shares.map((s) => s.linear)).toEqual([0, 0, 2]);
  });
  test('equal times order by campaign id (deterministic)', () => {
    const shares = attributeRevenue(10, [t('b', '2026-01-01T00:00:00Z'), t('a', '2026-01-01T00:00:00Z')]);
    expect(shares.map((s) => s.campaignId)).toEqual(['a', 'b']);
  });
  test.each([0, 1, 7, 100, 12345, 99999, Number.MAX_SAFE_INTEGER])('every model sums to %d', (amount) => {
    for (let n = 1; n <= 7; n++) {
      const touches = Array.from({ length: n }, (_, i) => t(`c${i}`, new Date(Date.UTC(2026, 0, 1 + i)).toISOString()));
      expect(sums(attributeRevenue(amount, touches))).toEqual({ first: amount, last: amount, linear: amount });
    }
  });
  test('a negative or fractional amount is a programming error', () => {
    expect(() => attributeRevenue(-1, [])).toThrow(RangeError);
    expect(() => attributeRevenue(1.5, [])).toThrow(RangeError);
  });
});

describe('touchTime', () => {
  const added = at('2026-01-01T00:00:00Z');
  const closed = at('2026-02-01T00:00:00Z');
  test('the first response when it came before the close', () => {
    expect(touchTime(added, at('2026-01-10T00:00:00Z'), closed)).toEqual(at('2026-01-10T00:00:00Z'));
  });
  test('the added time with no response, or a response after the close', () => {
    expect(touchTime(added, null, closed)).toEqual(added);
    expect(touchTime(added, at('2026-03-01T00:00:00Z'), closed)).toEqual(added);
  });
});
