import { applyReplicaChange, replicaChangeFromUpdate } from '../../src/domain/replica';
import { becomesCustomer, furthestStatus, statusAfterResponse } from '../../src/domain/members';

const T1 = new Date('2026-01-01T00:00:00Z');
const T2 = new Date('2026-01-02T00:00:00Z');

describe('applyReplicaChange', () => {
  test('a newer event sets the property and its time', () => {
    expect(applyReplicaChange({ stage: T1.toISOString() }, { stage: 'MQL' }, T2)).toEqual({
      values: { stage: 'MQL' },
      versions: { stage: T2.toISOString() },
    });
  });
  test('an older event is ignored, property by property', () => {
    const out = applyReplicaChange({ ownerId: T2.toISOString() }, { ownerId: 'old', churnRisk: true }, T1);
    expect(out.values).toEqual({ churnRisk: true });
    expect(out.versions).toEqual({ ownerId: T2.toISOString(), churnRisk: T1.toISOString() });
  });
  test('an event at the same time applies (one topic delivers one contact in order)', () => {
    expect(applyReplicaChange({ score: T1.toISOString() }, { score: 5 }, T1).values).toEqual({ score: 5 });
  });
  test('undefined means not carried; null clears', () => {
    expect(applyReplicaChange({}, { industry: undefined, ownerId: null }, T1).values).toEqual({ ownerId: null });
  });
});

describe('replicaChangeFromUpdate', () => {
  test('only replicated fields that are both changed and carried', () => {
    expect(
      replicaChangeFromUpdate(['ownerId', 'firstName', 'churnRisk', 'source'], { ownerId: 'u1', firstName: 'x', churnRisk: true }),
    ).toEqual({ ownerId: 'u1', churnRisk: true });
    expect(replicaChangeFromUpdate(['lastEngagementAt'], { lastEngagementAt: T2.toISOString() })).toEqual({ lastEngagementAt: T2 });
    expect(replicaChangeFromUpdate(['source'], { source: ' Web ' })).toEqual({ source: 'web' });
  });
});

describe('member status order', () => {
  test('never backwards', () => {
    expect(statusAfterResponse('SENT', 'OPENED')).toBe('OPENED');
    expect(statusAfterResponse('CLICKED', 'OPENED')).toBe('CLICKED');
    expect(statusAfterResponse('RESPONDED', 'CLICKED')).toBe('RESPONDED');
    expect(statusAfterResponse('CONVERTED', 'RESPONDED')).toBe('CONVERTED');
    expect(furthestStatus('OPENED', 'CONVERTED')).toBe('CONVERTED');
  });
  test('becoming a customer', () => {
    expect(becomesCustomer('OPPORTUNITY', 'CUSTOMER')).toBe(true);
    expect(becomesCustomer('CHURNED', 'CUSTOMER')).toBe(true);
    expect(becomesCustomer(null, 'CUSTOMER')).toBe(true);
    expect(becomesCustomer('SQL', 'PROMOTER')).toBe(true);
    expect(becomesCustomer('CUSTOMER', 'PROMOTER')).toBe(false);
    expect(becomesCustomer('PROMOTER', 'CUSTOMER')).toBe(false);
    expect(becomesCustomer('LEAD', 'MQL')).toBe(false);
  });
});
