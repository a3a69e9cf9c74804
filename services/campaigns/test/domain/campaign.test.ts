import { CAMPAIGN_STATUSES } from '@crm/events';
import { DomainError } from '@crm/service-kit';
import {
  campaignRoi,
  canMoveCampaign,
  checkAcceptsMembers,
  checkCampaignMove,
  validateCampaignDraft,
  validateCost,
} from '../../src/domain/campaign';

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a DomainError');
};

describe('campaignRoi', () => {
  test.each([
    [15000, 5000, 2],
    [5000, 5000, 0],
    [0, 5000, -1],
    [10000, 0, null],
  ])('revenue %d, cost %d -> %p', (revenue, cost, roi) => {
    expect(campaignRoi(revenue, cost)).toBe(roi);
  });
  test('is the exact ratio, not rounded', () => {
    expect(campaignRoi(10000, 3000)).toBeCloseTo(7000 / 3000, 12);
  });
});

describe('campaign status order', () => {
  const allowed = new Set([
    'DRAFT>ACTIVE',
    'DRAFT>CANCELLED',
    'ACTIVE>PAUSED',
    'ACTIVE>COMPLETED',
    'PAUSED>ACTIVE',
    'PAUSED>COMPLETED',
    'PAUSED>CANCELLED',
  ]);
  const pairs = CAMPAIGN_STATUSES.flatMap((from) => CAMPAIGN_STATUSES.map((to) => [from, to] as const));
  test.each(pairs)('%s -> %s', (from, to) => {
    const ok = allowed.has(`${from}>${to}`);
    expect(canMoveCampaign(from, to)).toBe(ok);
    if (ok) expect(() => checkCampaignMove(from, to)).not.toThrow();
    else expect(errorOf(() => checkCampaignMove(from, to)).extensions).toMatchObject({ code: 'CONFLICT', from, to });
  });
  test('completed and cancelled campaigns take no members', () => {
    expect(errorOf(() => checkAcceptsMembers('COMPLETED')).extensions.code).toBe('CONFLICT');
    expect(errorOf(() => checkAcceptsMembers('CANCELLED')).extensions.code).toBe('CONFLICT');
    for (const s of ['DRAFT', 'ACTIVE', 'PAUSED'] as const) expect(() => checkAcceptsMembers(s)).not.toThrow();
  });
});

describe('validateCampaignDraft', () => {
  test('normalises name and currency, defaults to USD', () => {
    expect(validateCampaignDraft({ name: '  Spring   launch ', kind: 'ACQUISITION' })).toEqual({
      name: 'Spring launch',
      kind: 'ACQUISITION',
      channel: null,
      budget: null,
      currency: 'USD',
      startsAt: null,
      endsAt: null,
    });
    expect(validateCampaignDraft({ name: 'x', kind: 'REFERRAL', currency: 'eur', channel: 'REFERRAL', budget: 5 }).currency).toBe('EUR');
  });
  test.each([
    [{ name: ' ', kind: 'NURTURE' }, 'name'],
    [{ name: 'x'.repeat(201), kind: 'NURTURE' }, 'name'],
    [{ name: 'a', kind: 'SPAM' }, 'kind'],
    [{ name: 'a', kind: 'NURTURE', channel: 'FAX' }, 'channel'],
    [{ name: 'a', kind: 'NURTURE', budget: -1 }, 'budget'],
    [{ name: 'a', kind: 'NURTURE', currency: 'EURO' }, 'currency'],
    [{ name: 'a', kind: 'NURTURE', startsAt: new Date('2026-02-01'), endsAt: new Date('2026-01-01') }, 'endsAt'],
  ])('%j is bad input on %s', (input, field) => {
    expect(errorOf(() => validateCampaignDraft(input)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('validateCost', () => {
  test('a positive amount and a trimmed note', () => {
    expect(validateCost(100, 250, '  ads  ')).toEqual({ amount: 250, note: 'ads' });
  });
  test.each([[0], [-5], [1.5]])('amount %p is bad input', (amount) => {
    expect(errorOf(() => validateCost(0, amount, null)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
  });
  test('the sum must stay a safe integer', () => {
    expect(errorOf(() => validateCost(Number.MAX_SAFE_INTEGER, 1, null)).extensions.field).toBe('amount');
  });
});
