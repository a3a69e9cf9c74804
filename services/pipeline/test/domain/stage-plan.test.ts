import { planStageChanges, type ExistingStage, type StageInput } from '../../src/domain/stage-plan';

const existing: ExistingStage[] = [
  { id: 'open1', name: 'Discovery', isWon: false, isLost: false, dealCount: 0 },
  { id: 'open2', name: 'Demo', isWon: false, isLost: false, dealCount: 3 },
  { id: 'won', name: 'Won', isWon: true, isLost: false, dealCount: 2 },
  { id: 'lost', name: 'Lost', isWon: false, isLost: true, dealCount: 1 },
];
const keep = (id: string, patch: Partial<StageInput> = {}): StageInput => {
  const s = existing.find((e) => e.id === id)!;
  const closed = s.isWon ? 100 : 0;
  return {
    id,
    name: s.name,
    probability: s.isWon || s.isLost ? closed : 20,
    isWon: s.isWon,
    isLost: s.isLost,
    forecastCategory: s.isWon ? 'CLOSED' : s.isLost ? 'OMITTED' : 'PIPELINE',
    ...patch,
  };
};
const fresh = (name: string, probability = 40): StageInput => ({ name, probability, forecastCategory: 'BEST_CASE' });

describe('planStageChanges', () => {
  it('keeps, reorders, renames and inserts; order follows the input', () => {
    const plan = planStageChanges(existing, [
      keep('open2', { name: ' Live demo ' }),
      fresh('Proposal'),
      keep('open1'),
      keep('won'),
      keep('lost'),
    ]);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.value.definitions.map((d) => [d.name, d.order])).toEqual([
      ['Live demo', 1],
      ['Proposal', 2],
      ['Discovery', 3],
      ['Won', 4],
      ['Lost', 5],
    ]);
    expect(plan.value.updates.map((u) => [u.id, u.definition.order])).toEqual([
      ['open2', 1],
      ['open1', 3],
      ['won', 4],
      ['lost', 5],
    ]);
    expect(plan.value.inserts).toEqual([
      { name: 'Proposal', order: 2, probability: 40, forecastCategory: 'BEST_CASE', isWon: false, isLost: false },
    ]);
    expect(plan.value.removals).toEqual([]);
  });

  it('removes an empty stage', () => {
    const plan = planStageChanges(existing, [keep('open2'), keep('won'), keep('lost')]);
    expect(plan).toMatchObject({ ok: true, value: { removals: [{ id: 'open1', moveDealsTo: null }] } });
  });

  it('refuses to remove a stage that holds deals, unless they are moved to a kept open stage', () => {
    expect(planStageChanges(existing, [keep('open1'), keep('won'), keep('lost')])).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'Stage "Demo": Stage has 3 deals; move them to another stage first',
    });
    const moved = planStageChanges(existing, [keep('open1'), keep('won'), keep('lost')], [{ fromStageId: 'open2', toStageId: 'open1' }]);
    expect(moved).toMatchObject({ ok: true, value: { removals: [{ id: 'open2', moveDealsTo: 'open1' }] } });
  });

  it('checks reassignments', () => {
    const stages = [keep('open1'), fresh('New'), keep('won'), keep('lost')];
    expect(planStageChanges(existing, stages, [{ fromStageId: 'open1', toStageId: 'open1' }])).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'moveDeals[0].fromStageId',
    });
    expect(planStageChanges(existing, stages, [{ fromStageId: 'open2', toStageId: 'won' }])).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'moveDeals[0].toStageId',
    });
    expect(planStageChanges(existing, stages, [{ fromStageId: 'open2', toStageId: 'nowhere' }])).toMatchObject({
      ok: false,
      field: 'moveDeals[0].toStageId',
    });
    expect(
      planStageChanges(existing, stages, [
        { fromStageId: 'open2', toStageId: 'open1' },
        { fromStageId: 'open2', toStageId: 'open1' },
      ]),
    ).toMatchObject({ ok: false, field: 'moveDeals[1].fromStageId' });
  });

  it('never removes the won or lost stage, even with its deals moved', () => {
    expect(planStageChanges(existing, [keep('open1'), keep('open2'), fresh('Won again', 100), keep('lost')])).toMatchObject({
      ok: false,
      field: 'stages',
      message: 'A pipeline needs exactly one won stage (found 0)',
    });
    const withoutWon = planStageChanges(existing, [
      keep('open1'),
      keep('open2'),
      { ...fresh('Won 2', 100), isWon: true, forecastCategory: 'CLOSED' },
      keep('lost'),
    ]);
    expect(withoutWon).toEqual({ ok: false, code: 'CONFLICT', message: 'Stage "Won": The won stage cannot be deleted' });
  });

  it('refuses to change what an existing stage means', () => {
    expect(
      planStageChanges(existing, [
        keep('open1'),
        keep('open2', { isWon: true, probability: 100 }),
        keep('won', { isWon: false, probability: 90 }),
        keep('lost'),
      ]),
    ).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'Stage "Demo" cannot change its won/lost flags; add a new stage instead',
    });
  });

  it('rejects unknown and repeated ids with the index', () => {
    expect(planStageChanges(existing, [keep('open1'), { ...fresh('X'), id: 'other-pipeline' }, keep('won'), keep('lost')])).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'stages[1].id',
    });
    expect(
      planStageChanges(existing, [keep('open1'), keep('open1', { name: 'Again' }), keep('open2'), keep('won'), keep('lost')]),
    ).toMatchObject({
      ok: false,
      field: 'stages[1].id',
    });
  });

  it('passes the set rules through with their field', () => {
    expect(planStageChanges(existing, [keep('open1'), keep('open2', { name: 'discovery' }), keep('won'), keep('lost')])).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'stages[1].name',
    });
    expect(planStageChanges(existing, [])).toMatchObject({ ok: false, field: 'stages' });
  });
});
