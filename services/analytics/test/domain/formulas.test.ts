import {
  average,
  conversion,
  csatShare,
  mean,
  median,
  netPromoterScore,
  npsBucket,
  ratio,
  returnOnInvestment,
  weightedAmount,
} from '../../src/domain/formulas';

describe('ratio', () => {
  it('divides, and is null (never NaN or Infinity) on a zero denominator', () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(0, 5)).toBe(0);
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
  });
  it('churn rate with a zero base is null, not 0', () => {
    expect(ratio(2, 0)).toBeNull(); // churned 2 / customersAtStart 0
    expect(ratio(1, 1)).toBe(1);
  });
});

describe('conversion', () => {
  it('is reached(next) / reached(stage) and dropOff its complement', () => {
    expect(conversion(4, 1)).toEqual({ conversionToNext: 0.25, dropOff: 0.75 });
    expect(conversion(2, 2)).toEqual({ conversionToNext: 1, dropOff: 0 });
  });
  it('may exceed 1 when contacts skip into the next stage without entering this one', () => {
    expect(conversion(1, 2)).toEqual({ conversionToNext: 2, dropOff: -1 });
  });
  it('is null without a next stage or when nobody reached the stage', () => {
    expect(conversion(5, null)).toEqual({ conversionToNext: null, dropOff: null });
    expect(conversion(0, 3)).toEqual({ conversionToNext: null, dropOff: null });
  });
});

describe('median and mean', () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[16, 2, 1], 2],
    [[4, 5], 4.5],
    [[1, 2, 3, 100], 2.5],
  ])('median of %p is %p', (values, expected) => expect(median(values)).toBe(expected));
  it('is null for no values', () => {
    expect(median([])).toBeNull();
    expect(mean([])).toBeNull();
  });
  it('mean of 16, 2, 1 is 19/3', () => expect(mean([16, 2, 1])).toBeCloseTo(19 / 3, 12));
  it('average of a sum over a count', () => {
    expect(average(150000, 2)).toBe(75000);
    expect(average(0, 0)).toBeNull();
  });
});

describe('NPS', () => {
  it.each([
    [10, 'PROMOTER'],
    [9, 'PROMOTER'],
    [8, 'PASSIVE'],
    [7, 'PASSIVE'],
    [6, 'DETRACTOR'],
    [0, 'DETRACTOR'],
  ])('%p is a %s (the 9 and 6 edges)', (score, bucket) => expect(npsBucket(score)).toBe(bucket));
  it('is % promoters minus % detractors, in points', () => {
    expect(netPromoterScore(3, 2, 7)).toBeCloseTo(100 / 7, 12);
    expect(netPromoterScore(2, 2, 6)).toBe(0);
    expect(netPromoterScore(5, 0, 5)).toBe(100);
    expect(netPromoterScore(0, 4, 4)).toBe(-100);
    expect(netPromoterScore(0, 0, 0)).toBeNull();
  });
});

describe('CSAT', () => {
  it('is the share of 4s and 5s', () => {
    expect(csatShare(2, 4)).toBe(0.5);
    expect(csatShare(0, 0)).toBeNull();
  });
});

describe('ROI', () => {
  it('is (revenue - cost) / cost, null while the cost is 0', () => {
    expect(returnOnInvestment(90000, 25000)).toBe(2.6);
    expect(returnOnInvestment(0, 100)).toBe(-1);
    expect(returnOnInvestment(60000, 0)).toBeNull();
  });
});

describe('weightedAmount', () => {
  it.each([
    [70000, 50, 35000],
    [40000, 10, 4000],
    [1, 50, 1],
    [1, 49, 0],
    [5, 50, 3],
    [Number.MAX_SAFE_INTEGER, 50, 2 ** 52],
    [Number.MAX_SAFE_INTEGER, 100, Number.MAX_SAFE_INTEGER],
  ])('%p at %p%% is %p (half away from zero, exact past 2^53 products)', (amount, p, expected) => {
    expect(weightedAmount(amount, p)).toBe(expected);
  });
});
