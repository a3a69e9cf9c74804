import { computeForecast, validateForecastInput, isCalendarDate, type ForecastDeal, type ForecastInput } from '../../src/domain/forecast';

const deal = (overrides: Partial<ForecastDeal>): ForecastDeal => ({
  amount: 10000,
  currency: 'USD',
  probability: 50,
  forecastCategory: 'BEST_CASE',
  status: 'OPEN',
  expectedCloseDate: '2025-03-15',
  closedAt: null,
  ownerId: 'u1',
  stageId: 'proposal',
  ...overrides,
});
const q1: ForecastInput = { from: '2025-01-01', to: '2025-03-31', groupBy: 'MONTH' };
const zero = { openAmount: 0, weightedAmount: 0, bestCase: 0, commit: 0, closedWon: 0, dealCount: 0 };

describe('computeForecast figures', () => {
  it('returns nothing for no deals', () => {
    expect(computeForecast([], q1)).toEqual({ groups: [], totals: [] });
  });

  it('counts an open deal by category', () => {
    const deals = [
      deal({ amount: 1000, probability: 10, forecastCategory: 'PIPELINE' }),
      deal({ amount: 2000, probability: 50, forecastCategory: 'BEST_CASE' }),
      deal({ amount: 4000, probability: 75, forecastCategory: 'COMMIT' }),
    ];
    expect(computeForecast(deals, q1).totals).toEqual([
      { currency: 'USD', openAmount: 7000, weightedAmount: 100 + 1000 + 3000, bestCase: 6000, commit: 4000, closedWon: 0, dealCount: 3 },
    ]);
  });

  it('adds won deals to closedWon and bestCase, not to open or weighted amounts', () => {
    const deals = [
      deal({ amount: 4000, forecastCategory: 'COMMIT', probability: 75 }),
      deal({ amount: 9000, status: 'WON', forecastCategory: 'CLOSED', probability: 100, closedAt: '2025-02-10T12:00:00Z' }),
    ];
    expect(computeForecast(deals, q1).totals).toEqual([
      { currency: 'USD', openAmount: 4000, weightedAmount: 3000, bestCase: 13000, commit: 4000, closedWon: 9000, dealCount: 2 },
    ]);
  });

  it('ignores lost deals entirely', () => {
    const lost = deal({ status: 'LOST', forecastCategory: 'OMITTED', probability: 0, closedAt: '2025-02-10T12:00:00Z' });
    expect(computeForecast([lost], q1)).toEqual({ groups: [], totals: [] });
  });

  it('rounds weighted amounts per deal, then sums', () => {
    const deals = [deal({ amount: 1, probability: 50 }), deal({ amount: 1, probability: 50 }), deal({ amount: 5, probability: 50 })];
    expect(computeForecast(deals, q1).totals[0]).toMatchObject({ openAmount: 7, weightedAmount: 1 + 1 + 3 });
  });

  it('never adds different currencies, in groups or totals', () => {
    const deals = [
      deal({ amount: 100, currency: 'USD' }),
      deal({ amount: 200, currency: 'EUR' }),
      deal({ amount: 300, currency: 'USD', expectedCloseDate: '2025-01-05' }),
    ];
    const result = computeForecast(deals, q1);
    expect(result.totals.map((t) => [t.currency, t.openAmount, t.dealCount])).toEqual([
      ['EUR', 200, 1],
      ['USD', 400, 2],
    ]);
    expect(result.groups.map((g) => [g.key, g.currency, g.openAmount])).toEqual([
      ['2025-01', 'USD', 300],
      ['2025-03', 'EUR', 200],
      ['2025-03', 'USD', 100],
    ]);
  });
});

describe('computeForecast period', () => {
  it('includes open deals expected on the first and last day, not outside', () => {
    const deals = ['2024-12-31', '2025-01-01', '2025-03-31', '2025-04-01'].map((date, i) =>
      deal({ amount: 10 ** i, expectedCloseDate: date }),
    );
    expect(computeForecast(deals, q1).totals[0]).toMatchObject({ openAmount: 10 + 100, dealCount: 2 });
  });

  it('skips open deals without an expected close date', () => {
    expect(computeForecast([deal({ expectedCloseDate: null })], q1).totals).toEqual([]);
  });

  it("places won deals by closedAt's UTC date, whatever their expected close date", () => {
    const deals = [
      deal({ amount: 1, status: 'WON', expectedCloseDate: '2024-06-01', closedAt: '2025-01-01T00:00:00.000Z' }),
      deal({ amount: 2, status: 'WON', expectedCloseDate: '2025-02-01', closedAt: '2025-04-01T00:00:00Z' }),
      // 23:30 in New York on 31 March is 1 April UTC: outside Q1.
      deal({ amount: 4, status: 'WON', closedAt: '2025-03-31T23:30:00-04:00' }),
      // 00:30 in Paris on 1 January is still 31 December UTC: outside Q1.
      deal({ amount: 8, status: 'WON', closedAt: '2025-01-01T00:30:00+01:00' }),
      deal({ amount: 16, status: 'WON', closedAt: '2025-03-31T23:59:59.999Z' }),
      deal({ amount: 32, status: 'WON', closedAt: null }),
    ];
    expect(computeForecast(deals, q1).totals[0]).toMatchObject({ closedWon: 1 + 16, dealCount: 2 });
  });

  it('reads a zoneless closedAt as UTC, independent of the process time zone', () => {
    const deals = [deal({ status: 'WON', closedAt: '2025-03-31T23:30:00' }), deal({ status: 'WON', closedAt: '2025-03-31' })];
    expect(computeForecast(deals, q1).totals[0]).toMatchObject({ closedWon: 20000, dealCount: 2 });
  });
});

describe('computeForecast grouping', () => {
  const deals = [
    deal({
      amount: 100,
      expectedCloseDate: '2025-02-10',
      ownerId: 'bob',
      stageId: 'negotiation',
      forecastCategory: 'COMMIT',
      probability: 75,
    }),
    deal({ amount: 200, expectedCloseDate: '2025-01-20', ownerId: null, stageId: 'proposal' }),
    deal({ amount: 400, expectedCloseDate: '2025-03-01', ownerId: 'alice', stageId: 'proposal' }),
    deal({
      amount: 800,
      status: 'WON',
      expectedCloseDate: '2025-03-30',
      closedAt: '2025-01-15T09:00:00Z',
      ownerId: 'bob',
      stageId: 'won',
      forecastCategory: 'CLOSED',
      probability: 100,
    }),
  ];

  it('groups by month of expected close (open) or close (won), sorted', () => {
    expect(computeForecast(deals, { ...q1, groupBy: 'MONTH' }).groups).toEqual([
      { key: '2025-01', currency: 'USD', ...zero, openAmount: 200, weightedAmount: 100, bestCase: 1000, closedWon: 800, dealCount: 2 },
      { key: '2025-02', currency: 'USD', ...zero, openAmount: 100, weightedAmount: 75, bestCase: 100, commit: 100, dealCount: 1 },
      { key: '2025-03', currency: 'USD', ...zero, openAmount: 400, weightedAmount: 200, bestCase: 400, dealCount: 1 },
    ]);
  });

  it("groups by owner, with 'unassigned' for deals without one", () => {
    expect(computeForecast(deals, { ...q1, groupBy: 'OWNER' }).groups.map((g) => [g.key, g.openAmount, g.closedWon, g.dealCount])).toEqual([
      ['alice', 400, 0, 1],
      ['bob', 100, 800, 2],
      ['unassigned', 200, 0, 1],
    ]);
  });

  it('groups by stage id', () => {
    expect(computeForecast(deals, { ...q1, groupBy: 'STAGE' }).groups.map((g) => [g.key, g.openAmount, g.closedWon])).toEqual([
      ['negotiation', 100, 0],
      ['proposal', 600, 0],
      ['won', 0, 800],
    ]);
  });

  it('has totals equal to the sum of the groups, whatever the grouping', () => {
    for (const groupBy of ['MONTH', 'OWNER', 'STAGE'] as const) {
      const { groups, totals } = computeForecast(deals, { ...q1, groupBy });
      const summed = groups.reduce(
        (sum, g) => ({
          openAmount: sum.openAmount + g.openAmount,
          weightedAmount: sum.weightedAmount + g.weightedAmount,
          bestCase: sum.bestCase + g.bestCase,
          commit: sum.commit + g.commit,
          closedWon: sum.closedWon + g.closedWon,
          dealCount: sum.dealCount + g.dealCount,
        }),
        zero,
      );
      expect(totals).toEqual([{ currency: 'USD', ...summed }]);
    }
  });

  it('sorts keys by code unit, like SQL C collation', () => {
    const result = computeForecast([deal({ ownerId: 'b' }), deal({ ownerId: 'B' }), deal({ ownerId: 'a' })], { ...q1, groupBy: 'OWNER' });
    expect(result.groups.map((g) => g.key)).toEqual(['B', 'a', 'b']);
  });
});

describe('computeForecast input', () => {
  it('throws on input validateForecastInput rejects', () => {
    expect(() => computeForecast([], { ...q1, from: '2025-04-01' })).toThrow(new RangeError('to: to must not be before from'));
  });

  it('throws rather than lose precision past 2^53', () => {
    const huge = Array.from({ length: 1000 }, () => deal({ amount: 1e13 }));
    expect(() => computeForecast(huge, q1)).toThrow(RangeError);
  });
});

describe('validateForecastInput', () => {
  it('accepts a valid input and returns it typed', () => {
    expect(validateForecastInput({ from: '2025-01-01', to: '2025-01-01', groupBy: 'STAGE' })).toEqual({
      ok: true,
      value: { from: '2025-01-01', to: '2025-01-01', groupBy: 'STAGE' },
    });
  });

  it.each([undefined, '', '2025-1-01', '2025-02-30', '2025-13-01', '2025-01-01T00:00:00Z', 20250101])('rejects from = %p', (from) => {
    expect(validateForecastInput({ from, to: '2025-03-31', groupBy: 'MONTH' })).toEqual({
      ok: false,
      field: 'from',
      message: 'from must be a date written YYYY-MM-DD',
    });
  });

  it('rejects an invalid to', () => {
    expect(validateForecastInput({ from: '2025-01-01', to: '2025-04-31', groupBy: 'MONTH' })).toMatchObject({ ok: false, field: 'to' });
  });

  it('rejects to before from', () => {
    expect(validateForecastInput({ from: '2025-03-01', to: '2025-02-28', groupBy: 'MONTH' })).toEqual({
      ok: false,
      field: 'to',
      message: 'to must not be before from',
    });
  });

  it('allows up to five years and no more', () => {
    expect(validateForecastInput({ from: '2020-01-01', to: '2025-01-01', groupBy: 'MONTH' })).toMatchObject({ ok: true });
    expect(validateForecastInput({ from: '2020-01-01', to: '2025-01-02', groupBy: 'MONTH' })).toEqual({
      ok: false,
      field: 'to',
      message: 'A forecast spans at most 5 years',
    });
  });

  it('clamps 29 February five years on to 28 February, like Postgres', () => {
    expect(validateForecastInput({ from: '2020-02-29', to: '2025-02-28', groupBy: 'MONTH' })).toMatchObject({ ok: true });
    expect(validateForecastInput({ from: '2020-02-29', to: '2025-03-01', groupBy: 'MONTH' })).toMatchObject({ ok: false, field: 'to' });
  });

  it.each([undefined, 'month', 'WEEK', 3])('rejects groupBy = %p', (groupBy) => {
    expect(validateForecastInput({ from: '2025-01-01', to: '2025-03-31', groupBy })).toEqual({
      ok: false,
      field: 'groupBy',
      message: 'groupBy must be one of MONTH, OWNER, STAGE',
    });
  });
});

describe('isCalendarDate', () => {
  it('knows leap years', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
  });
});
