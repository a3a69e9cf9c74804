import { influencedRevenue, touchAmount } from '../../src/domain/attribution';
import { campaignPerformance, journeyOf } from '../../src/domain/journey';

// One won deal of 100 split over three campaigns: linear 33 / 33 / 34 (remainder to the last touch).
const touches = [
  { firstTouch: 100, lastTouch: 0, linear: 33 },
  { firstTouch: 0, lastTouch: 0, linear: 33 },
  { firstTouch: 0, lastTouch: 100, linear: 34 },
];

describe('attribution sums', () => {
  it('every model of one deal sums to the amount', () => {
    for (const model of ['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR'] as const) expect(influencedRevenue(touches, model)).toBe(100);
  });
  it("a campaign's revenue is the sum of its touches under the model", () => {
    const campaign = [touches[2], { firstTouch: 30000, lastTouch: 30000, linear: 30000 }];
    expect(influencedRevenue(campaign, 'LINEAR')).toBe(30034);
    expect(influencedRevenue(campaign, 'FIRST_TOUCH')).toBe(30000);
    expect(influencedRevenue(campaign, 'LAST_TOUCH')).toBe(30100);
    expect(touchAmount(touches[0], 'FIRST_TOUCH')).toBe(100);
  });
});

describe('campaignPerformance', () => {
  const attributed = [
    { currency: 'USD', firstTouch: 150000, lastTouch: 30000, linear: 90000 },
    { currency: 'EUR', firstTouch: 999, lastTouch: 999, linear: 999 },
  ];
  it('rates over members, revenue in the campaign currency, roi against the actual cost', () => {
    expect(
      campaignPerformance({ members: 4, responded: 1, converted: 1 }, attributed, { currency: 'USD', actualCost: 25000 }, 'LINEAR'),
    ).toEqual({
      members: 4,
      responseRate: 0.25,
      conversionRate: 0.25,
      influencedRevenue: 90000,
      actualCost: 25000,
      currency: 'USD',
      roi: 2.6,
    });
  });
  it('roi is null while the cost is 0; rates null without members', () => {
    expect(campaignPerformance({ members: 0, responded: 0, converted: 0 }, [], { currency: null, actualCost: 0 }, 'FIRST_TOUCH')).toEqual({
      members: 0,
      responseRate: null,
      conversionRate: null,
      influencedRevenue: 0,
      actualCost: 0,
      currency: null,
      roi: null,
    });
  });
  it('without a campaign currency, the currency most of its revenue is in', () => {
    expect(
      campaignPerformance({ members: 1, responded: 0, converted: 0 }, attributed, { currency: null, actualCost: 0 }, 'FIRST_TOUCH'),
    ).toMatchObject({ currency: 'USD', influencedRevenue: 150000 });
  });
});

describe('journeyOf', () => {
  it('lists the stays with their days, the current one until now', () => {
    const d = (day: string) => new Date(`2026-01-${day}T00:00:00Z`);
    const journey = journeyOf(
      [
        { stage: 'LEAD', enteredAt: d('02'), leftAt: d('04') },
        { stage: 'MQL', enteredAt: d('04'), leftAt: null },
      ],
      d('10'),
    );
    expect(journey).toEqual({
      currentStage: 'MQL',
      stages: [
        { stage: 'LEAD', enteredAt: d('02'), leftAt: d('04'), days: 2 },
        { stage: 'MQL', enteredAt: d('04'), leftAt: null, days: 6 },
      ],
    });
    expect(journeyOf([], d('10'))).toBeNull();
  });
});
