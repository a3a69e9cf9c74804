import { campaignRoi } from '../../src/domain/campaign';

describe('campaignRoi', () => {
  test.each([
    [15000, 5000, 2],
    [5000, 5000, 0],
    [0, 5000, -1],
    [10000, 3000, 2.3333],
    [10000, 0, null],
  ])('revenue %d, cost %d -> %p', (revenue, cost, roi) => {
    expect(campaignRoi(revenue, cost)).toBe(roi);
  });
});
