import { countsForEveryStage, FORWARD_STAGES, forwardRank, FUNNEL_STAGES, nextStage, stagesReached } from '../../src/domain/stages';

test('every stage is reported in funnel order, missing ones as 0', () => {
  const counts = countsForEveryStage([
    { stage: 'MQL', contacts: 3 },
    { stage: 'LEAD', contacts: 7 },
  ]);
  expect(counts.map((c) => c.stage)).toEqual([...FUNNEL_STAGES]);
  expect(counts.find((c) => c.stage === 'LEAD')!.contacts).toBe(7);
  expect(counts.find((c) => c.stage === 'MQL')!.contacts).toBe(3);
  expect(counts.filter((c) => c.contacts === 0)).toHaveLength(7);
});

describe('the forward order', () => {
  it('runs VISITOR to PROMOTER; CHURNED and DISQUALIFIED are outside it', () => {
    expect(FORWARD_STAGES).toEqual(['VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER']);
    expect(forwardRank('VISITOR')).toBe(0);
    expect(forwardRank('PROMOTER')).toBe(6);
    expect(forwardRank('CHURNED')).toBeNull();
    expect(forwardRank(null)).toBeNull();
  });
  it('names the next stage, none after PROMOTER or from a side stage', () => {
    expect(nextStage('SQL')).toBe('OPPORTUNITY');
    expect(nextStage('PROMOTER')).toBeNull();
    expect(nextStage('DISQUALIFIED')).toBeNull();
  });
});

describe('stagesReached (conversion with skipped stages)', () => {
  it('a forward jump reaches every stage it skips', () => {
    expect(stagesReached('MQL', 'OPPORTUNITY')).toEqual(['OPPORTUNITY', 'SQL']);
    expect(stagesReached('LEAD', 'CUSTOMER')).toEqual(['CUSTOMER', 'MQL', 'SQL', 'OPPORTUNITY']);
  });
  it('a one-step move reaches only its target', () => {
    expect(stagesReached('LEAD', 'MQL')).toEqual(['MQL']);
  });
  it('a first stage, a backward move or a move out of or into a side stage skips nothing', () => {
    expect(stagesReached(null, 'MQL')).toEqual(['MQL']);
    expect(stagesReached('OPPORTUNITY', 'MQL')).toEqual(['MQL']);
    expect(stagesReached('CHURNED', 'CUSTOMER')).toEqual(['CUSTOMER']);
    expect(stagesReached('CUSTOMER', 'CHURNED')).toEqual(['CHURNED']);
  });
});
