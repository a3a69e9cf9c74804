import { countsForEveryStage, FUNNEL_STAGES } from '../../src/domain/stages';

test('every stage is reported in funnel order, missing ones as 0', () => {
  const counts = countsForEveryStage([{ stage: 'MQL', contacts: 3 }, { stage: 'LEAD', contacts: 7 }]);
  expect(counts.map((c) => c.stage)).toEqual([...FUNNEL_STAGES]);
  expect(counts.find((c) => c.stage === 'LEAD')!.contacts).toBe(7);
  expect(counts.find((c) => c.stage === 'MQL')!.contacts).toBe(3);
  expect(counts.filter((c) => c.contacts === 0)).toHaveLength(7);
});
