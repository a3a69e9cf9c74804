import {
  LIFECYCLE_STAGES,
  checkTransition,
  isRepeatPurchase,
  onCampaignResponse,
  onDealCreated,
  onDealLost,
  onDealWon,
  onNpsResponse,
  onScoreChanged,
  shouldChurn,
  type LifecycleStage,
  type StageMove,
} from '../../src/domain/lifecycle';

/** Every automatic move must be a legal transition with the reason it carries. */
function expectLegal(from: LifecycleStage, move: StageMove | null): void {
  if (move === null) return;
  expect(move.reason.trim()).not.toBe('');
  if (move.via) {
    expect(checkTransition(from, move.via, move.reason)).toMatchObject({ ok: true });
    from = move.via;
  }
  expect(checkTransition(from, move.to, move.reason)).toMatchObject({ ok: true });
}

describe('onDealCreated', () => {
  const expectedTo: Record<LifecycleStage, LifecycleStage | null> = {
    VISITOR: 'OPPORTUNITY',
    LEAD: 'OPPORTUNITY',
    MQL: 'OPPORTUNITY',
    SQL: 'OPPORTUNITY',
    OPPORTUNITY: null,
    CUSTOMER: null,
    PROMOTER: null,
    CHURNED: 'OPPORTUNITY',
    DISQUALIFIED: null,
  };
  it.each(LIFECYCLE_STAGES)('%s', (stage) => {
    const move = onDealCreated(stage);
    expect(move?.to ?? null).toBe(expectedTo[stage]);
    expectLegal(stage, move);
  });

  it('gives the reconquest reason for a churned contact', () => {
    expect(onDealCreated('CHURNED')).toEqual({ to: 'OPPORTUNITY', reason: 'Deal created for a churned customer (reconquest)' });
    expect(checkTransition('CHURNED', 'OPPORTUNITY', onDealCreated('CHURNED')?.reason)).toEqual({ ok: true, kind: 'RECONQUEST' });
  });
});

describe('onDealWon and isRepeatPurchase', () => {
  it.each(LIFECYCLE_STAGES)('%s', (stage) => {
    const move = onDealWon(stage);
    const repeat = stage === 'CUSTOMER' || stage === 'PROMOTER';
    expect(move?.to ?? null).toBe(repeat ? null : 'CUSTOMER');
    expect(isRepeatPurchase(stage)).toBe(repeat);
    expectLegal(stage, move);
  });

  it('classifies the win by where the contact came from', () => {
    const kindFrom = (s: LifecycleStage) => {
      const move = onDealWon(s)!;
      const from = move.via ?? s;
      if (move.via) expect(checkTransition(s, move.via, move.reason)).toEqual({ ok: true, kind: 'REENGAGE' });
      const v = checkTransition(from, 'CUSTOMER', move.reason);
      return v.ok ? v.kind : v.code;
    };
    expect(kindFrom('OPPORTUNITY')).toBe('FORWARD');
    expect(kindFrom('VISITOR')).toBe('FORWARD');
    expect(kindFrom('CHURNED')).toBe('RECONQUEST');
    expect(kindFrom('DISQUALIFIED')).toBe('FORWARD'); // via LEAD
    expect(checkTransition('DISQUALIFIED', 'CUSTOMER', 'bought').ok).toBe(false);
  });

  it('uses descriptive reasons', () => {
    expect(onDealWon('SQL')).toEqual({ to: 'CUSTOMER', reason: 'Deal won' });
    expect(onDealWon('CHURNED')).toEqual({ to: 'CUSTOMER', reason: 'Deal won from a churned customer (reconquest)' });
    expect(onDealWon('DISQUALIFIED')).toEqual({ to: 'CUSTOMER', via: 'LEAD', reason: 'Deal won from a disqualified contact' });
  });
});

describe('onDealLost', () => {
  it.each(
    LIFECYCLE_STAGES.flatMap(
      (s) =>
        [
          [s, 'MQL'],
          [s, 'LEAD'],
        ] as const,
    ),
  )('%s with no other open deal, recycle to %s', (stage, recycle) => {
    const move = onDealLost(stage, 0, recycle);
    const recycles = stage === 'SQL' || stage === 'OPPORTUNITY';
    expect(move).toEqual(recycles ? { to: recycle, reason: 'Last open deal lost' } : null);
    expectLegal(stage, move);
    if (move) expect(checkTransition(stage, move.to, move.reason)).toEqual({ ok: true, kind: 'RECYCLE' });
  });

  it.each([1, 2, 10])('does not move while %i other deal(s) stay open', (open) => {
    expect(onDealLost('OPPORTUNITY', open, 'MQL')).toBeNull();
    expect(onDealLost('SQL', open, 'LEAD')).toBeNull();
  });
});

describe('onNpsResponse', () => {
  it('moves a CUSTOMER scoring 9 or 10 to PROMOTER', () => {
    for (const score of [9, 10]) {
      const d = onNpsResponse('CUSTOMER', score);
      expect(d).toEqual({ move: { to: 'PROMOTER', reason: `NPS response ${score}` }, churnRisk: false });
      expectLegal('CUSTOMER', d.move);
    }
  });

  it('neither moves nor flags a passive (7, 8)', () => {
    expect(onNpsResponse('CUSTOMER', 7)).toEqual({ move: null, churnRisk: false });
    expect(onNpsResponse('CUSTOMER', 8)).toEqual({ move: null, churnRisk: false });
  });

  it.each([0, 3, 6])('flags churn risk for a CUSTOMER or PROMOTER scoring %i', (score) => {
    expect(onNpsResponse('CUSTOMER', score)).toEqual({ move: null, churnRisk: true });
    expect(onNpsResponse('PROMOTER', score)).toEqual({ move: null, churnRisk: true });
  });

  it('does not re-promote a PROMOTER', () => {
    expect(onNpsResponse('PROMOTER', 10)).toEqual({ move: null, churnRisk: false });
  });

  it.each(LIFECYCLE_STAGES.filter((s) => s !== 'CUSTOMER' && s !== 'PROMOTER'))(
    'ignores a non-customer (%s), whatever the score',
    (stage) => {
      expect(onNpsResponse(stage, 10)).toEqual({ move: null, churnRisk: false });
      expect(onNpsResponse(stage, 0)).toEqual({ move: null, churnRisk: false });
    },
  );

  it('honours tenant thresholds', () => {
    expect(onNpsResponse('CUSTOMER', 8, 8, 5).move?.to).toBe('PROMOTER');
    expect(onNpsResponse('CUSTOMER', 9, 10, 6).move).toBeNull();
    expect(onNpsResponse('CUSTOMER', 5, 9, 4).churnRisk).toBe(false);
    expect(onNpsResponse('CUSTOMER', 4, 9, 4).churnRisk).toBe(true);
  });

  it.each([-1, 11, 7.5, Number.NaN])('rejects score %p', (score) => {
    expect(() => onNpsResponse('CUSTOMER', score)).toThrow(RangeError);
  });

  it('rejects invalid or overlapping thresholds', () => {
    expect(() => onNpsResponse('CUSTOMER', 5, 11, 6)).toThrow(RangeError);
    expect(() => onNpsResponse('CUSTOMER', 5, 9, -1)).toThrow(RangeError);
    expect(() => onNpsResponse('CUSTOMER', 5, 6, 6)).toThrow('detractorThreshold must be below promoterThreshold');
  });
});

describe('onCampaignResponse', () => {
  it.each(LIFECYCLE_STAGES)('%s', (stage) => {
    const move = onCampaignResponse(stage);
    expect(move).toEqual(stage === 'VISITOR' ? { to: 'LEAD', reason: 'Responded to a campaign' } : null);
    expectLegal(stage, move);
  });
});

describe('onScoreChanged', () => {
  it.each(LIFECYCLE_STAGES)('%s crossing 40 -> 55 with threshold 50', (stage) => {
    const move = onScoreChanged(stage, 40, 55, 50);
    const moves = stage === 'VISITOR' || stage === 'LEAD';
    expect(move).toEqual(moves ? { to: 'MQL', reason: 'Score 55 reached the MQL threshold 50' } : null);
    expectLegal(stage, move);
  });

  it.each([
    [49, 50, true], // landing exactly on the threshold counts
    [0, 1000, true],
    [50, 60, false], // already at/above: no re-trigger
    [60, 70, false],
    [40, 49, false], // still below
    [60, 40, false], // downward crossing
    [50, 50, false],
  ])('previous %i -> new %i: moves=%p', (previous, next, moves) => {
    const move = onScoreChanged('LEAD', previous, next, 50);
    expect(move === null ? null : move.to).toBe(moves ? 'MQL' : null);
    expectLegal('LEAD', move);
  });
});

describe('shouldChurn', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const now = new Date('2025-06-30T12:00:00Z');
  const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
  const base = {
    stage: 'CUSTOMER' as LifecycleStage,
    lastPurchaseAt: null as Date | null,
    lastEngagementAt: null as Date | null,
    customerSince: daysAgo(400),
    now,
    inactivityDays: 90,
  };

  it('churns a customer with nothing since customerSince, long ago', () => {
    expect(shouldChurn(base)).toBe(true);
    expect(shouldChurn({ ...base, stage: 'PROMOTER' })).toBe(true);
  });

  it('every churn decision is a legal CHURN transition', () => {
    expect(checkTransition('CUSTOMER', 'CHURNED', 'Inactive for 90 days')).toEqual({ ok: true, kind: 'CHURN' });
    expect(checkTransition('PROMOTER', 'CHURNED', 'Inactive for 90 days')).toEqual({ ok: true, kind: 'CHURN' });
  });

  it('does not churn a recent customer', () => {
    expect(shouldChurn({ ...base, customerSince: daysAgo(30) })).toBe(false);
  });

  it('measures from the latest of purchase, engagement and customerSince', () => {
    expect(shouldChurn({ ...base, lastPurchaseAt: daysAgo(10) })).toBe(false);
    expect(shouldChurn({ ...base, lastEngagementAt: daysAgo(89) })).toBe(false);
    expect(shouldChurn({ ...base, lastPurchaseAt: daysAgo(200), lastEngagementAt: daysAgo(91) })).toBe(true);
    expect(shouldChurn({ ...base, lastPurchaseAt: daysAgo(91), lastEngagementAt: daysAgo(300) })).toBe(true);
  });

  it('treats activity exactly inactivityDays ago as still within the window', () => {
    expect(shouldChurn({ ...base, lastEngagementAt: daysAgo(90) })).toBe(false);
    expect(shouldChurn({ ...base, lastEngagementAt: new Date(daysAgo(90).getTime() - 1) })).toBe(true);
  });

  it.each(LIFECYCLE_STAGES.filter((s) => s !== 'CUSTOMER' && s !== 'PROMOTER'))('never churns %s', (stage) => {
    expect(shouldChurn({ ...base, stage })).toBe(false);
  });

  it('ignores invalid dates and rejects a non-positive window', () => {
    expect(shouldChurn({ ...base, lastEngagementAt: new Date('nope') })).toBe(true);
    expect(shouldChurn({ ...base, customerSince: new Date('nope') })).toBe(false);
    expect(() => shouldChurn({ ...base, inactivityDays: 0 })).toThrow(RangeError);
    expect(() => shouldChurn({ ...base, inactivityDays: Number.NaN })).toThrow(RangeError);
  });
});
