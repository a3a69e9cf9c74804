import { targetIdsOf } from '../src/audit';

describe('audit targets', () => {
  test('ids named id, *Id or *Ids anywhere in the arguments, then the result id, once each', () => {
    const args = { input: { contactId: 'c1', stageId: 's1', contactIds: ['c2', 'c1'], name: 'not an id', nested: { id: 'n1' } } };
    expect(targetIdsOf(args, { id: 'r1' })).toEqual(['c1', 's1', 'c2', 'n1', 'r1']);
    expect(targetIdsOf({ input: { id: 'k1' } }, { secret: 'x', apiKey: { id: 'k1' } })).toEqual(['k1']);
    expect(targetIdsOf({}, null)).toEqual([]);
  });
  test('at most 100', () => {
    expect(targetIdsOf({ input: { contactIds: Array.from({ length: 500 }, (_, i) => `c${i}`) } })).toHaveLength(100);
  });
});
