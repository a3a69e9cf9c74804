import { DomainError } from '@crm/service-kit';
import { validateSegmentRules } from '../../src/domain/segment-rules';

const fieldOf = (input: Record<string, unknown>) => {
  try {
    validateSegmentRules(input);
  } catch (err) {
    expect((err as DomainError).extensions.code).toBe('BAD_USER_INPUT');
    return (err as DomainError).extensions.field;
  }
  throw new Error('expected bad input');
};

describe('validateSegmentRules', () => {
  test('no rules: every contact', () => {
    expect(validateSegmentRules({})).toEqual({});
  });
  test('normalises: lists deduped, industries and sources lower-cased, dates ISO, nulls dropped', () => {
    expect(
      validateSegmentRules({
        stages: ['MQL', 'MQL'],
        industries: [' Software '],
        sources: ['Web_Form'],
        minScore: 60,
        maxScore: null,
        lastPurchaseBefore: new Date('2025-01-01T00:00:00Z'),
        churnRisk: false,
      }),
    ).toEqual({
      stages: ['MQL'],
      industries: ['software'],
      sources: ['web_form'],
      minScore: 60,
      lastPurchaseBefore: '2025-01-01T00:00:00.000Z',
      churnRisk: false,
    });
  });
  test.each([
    [{ stages: ['CUSTOMER', 'KING'] }, 'rules.stages'],
    [{ stages: [] }, 'rules.stages'],
    [{ industries: [] }, 'rules.industries'],
    [{ industries: ['  '] }, 'rules.industries'],
    [{ sources: [] }, 'rules.sources'],
    [{ ownerIds: [] }, 'rules.ownerIds'],
    [{ ownerIds: ['x'.repeat(65)] }, 'rules.ownerIds'],
    [{ minScore: -1 }, 'rules.minScore'],
    [{ minScore: 1.5 }, 'rules.minScore'],
    [{ minScore: 70, maxScore: 60 }, 'rules.minScore'],
    [{ minCompanySize: 500, maxCompanySize: 50 }, 'rules.minCompanySize'],
    [{ lastEngagementAfter: '2026-02-01T00:00:00Z', lastEngagementBefore: '2026-01-01T00:00:00Z' }, 'rules.lastEngagementAfter'],
    [{ createdAfter: '2026-02-01T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' }, 'rules.createdAfter'],
    [{ createdAfter: 'yesterday' }, 'rules.createdAfter'],
    [{ industries: Array.from({ length: 101 }, (_, i) => `i${i}`) }, 'rules.industries'],
  ])('%j is bad input naming %s', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
  test('equal bounds are allowed', () => {
    expect(validateSegmentRules({ minScore: 60, maxScore: 60 })).toEqual({ minScore: 60, maxScore: 60 });
  });
});
