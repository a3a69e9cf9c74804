import {
  DEFAULT_PIPELINE_NAME,
  DEFAULT_PIPELINE_STAGES,
  validatePipelineStages,
  checkStageMove,
  checkWin,
  checkLose,
  checkReopen,
  canDeleteStage,
  type StageDefinition,
  type DealStatus,
} from '../../src/domain/stages';

const stage = (overrides: Partial<StageDefinition>): StageDefinition => ({
  name: 'Open',
  order: 1,
  probability: 10,
  forecastCategory: 'PIPELINE',
  isWon: false,
  isLost: false,
  ...overrides,
});
const won = stage({ name: 'Won', order: 8, probability: 100, forecastCategory: 'CLOSED', isWon: true });
const lost = stage({ name: 'Lost', order: 9, probability: 0, forecastCategory: 'OMITTED', isLost: true });
const validSet = (): StageDefinition[] => [stage({}), won, lost];

describe('DEFAULT_PIPELINE_STAGES', () => {
  it('is the Sales pipeline with six stages in order', () => {
    expect(DEFAULT_PIPELINE_NAME).toBe('Sales');
    expect(DEFAULT_PIPELINE_STAGES.map((s) => [s.name, s.order, s.probability, s.forecastCategory, s.isWon, s.isLost])).toEqual([
      ['Prospecting', 1, 10, 'PIPELINE', false, false],
      ['Qualification', 2, 25, 'PIPELINE', false, false],
      ['Proposal', 3, 50, 'BEST_CASE', false, false],
      ['Negotiation', 4, 75, 'COMMIT', false, false],
      ['Closed Won', 5, 100, 'CLOSED', true, false],
      ['Closed Lost', 6, 0, 'OMITTED', false, true],
    ]);
  });

  it('passes its own validation', () => {
    expect(validatePipelineStages([...DEFAULT_PIPELINE_STAGES])).toEqual({ ok: true });
  });

  it('cannot be edited by a caller', () => {
    expect(Object.isFrozen(DEFAULT_PIPELINE_STAGES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PIPELINE_STAGES[0])).toBe(true);
  });
});

describe('validatePipelineStages', () => {
  const failure = (stages: StageDefinition[]) => validatePipelineStages(stages);

  it('accepts one open, one won and one lost stage', () => {
    expect(failure(validSet())).toEqual({ ok: true });
  });

  it('rejects an empty list', () => {
    expect(failure([])).toEqual({ ok: false, field: 'stages', message: expect.stringContaining('at least one open stage') });
  });

  it('needs an open stage', () => {
    expect(failure([won, lost])).toEqual({ ok: false, field: 'stages', message: 'A pipeline needs at least one open stage' });
  });

  it('needs exactly one won stage', () => {
    expect(failure([stage({}), lost])).toEqual({ ok: false, field: 'stages', message: 'A pipeline needs exactly one won stage (found 0)' });
    const secondWon = { ...won, name: 'Won again', order: 7 };
    expect(failure([stage({}), won, secondWon, lost])).toEqual({
      ok: false,
      field: 'stages',
      message: 'A pipeline needs exactly one won stage (found 2)',
    });
  });

  it('needs exactly one lost stage', () => {
    expect(failure([stage({}), won])).toEqual({ ok: false, field: 'stages', message: 'A pipeline needs exactly one lost stage (found 0)' });
    const secondLost = { ...lost, name: 'Lost again', order: 10 };
    expect(failure([stage({}), won, lost, secondLost])).toMatchObject({
      ok: false,
      field: 'stages',
      message: expect.stringContaining('found 2'),
    });
  });

  it('rejects blank names, naming the stage index', () => {
    expect(failure([stage({ name: '   ' }), won, lost])).toEqual({
      ok: false,
      field: 'stages[0].name',
      message: 'Stage name must not be blank',
    });
    expect(failure([stage({}), { ...won, name: '' }, lost])).toMatchObject({ ok: false, field: 'stages[1].name' });
  });

  it('allows 80 characters after trimming and rejects 81', () => {
    expect(failure([stage({ name: `  ${'a'.repeat(80)}  ` }), won, lost])).toEqual({ ok: true });
    expect(failure([stage({ name: 'a'.repeat(81) }), won, lost])).toEqual({
      ok: false,
      field: 'stages[0].name',
      message: 'Stage name must be at most 80 characters',
    });
  });

  it('counts characters, not UTF-16 units (as varchar does)', () => {
    expect(failure([stage({ name: '🚀'.repeat(80) }), won, lost])).toEqual({ ok: true });
  });

  it('rejects names equal after trimming and ignoring case', () => {
    const stages = [stage({ name: 'Demo' }), stage({ name: '  DEMO ', order: 2 }), won, lost];
    expect(failure(stages)).toEqual({ ok: false, field: 'stages[1].name', message: 'Stage name "DEMO" is already used by stages[0]' });
  });

  it('rejects duplicate names between an open and a closed stage', () => {
    expect(failure([stage({ name: 'won' }), won, lost])).toMatchObject({ ok: false, field: 'stages[1].name' });
  });

  it('rejects duplicate orders', () => {
    const stages = [stage({ name: 'A', order: 3 }), stage({ name: 'B', order: 3 }), won, lost];
    expect(failure(stages)).toEqual({ ok: false, field: 'stages[1].order', message: 'Stage order 3 is already used by stages[0]' });
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects order %p', (order) => {
    expect(failure([stage({ order }), won, lost])).toMatchObject({ ok: false, field: 'stages[0].order' });
  });

  it.each([-1, 101, 12.5, Number.NaN])('rejects probability %p', (probability) => {
    expect(failure([stage({ probability }), won, lost])).toEqual({
      ok: false,
      field: 'stages[0].probability',
      message: 'Stage probability must be an integer from 0 to 100',
    });
  });

  it.each([0, 100])('accepts open-stage probability %p', (probability) => {
    expect(failure([stage({ probability }), won, lost])).toEqual({ ok: true });
  });

  it('rejects an unknown forecast category', () => {
    const bad = stage({ forecastCategory: 'MAYBE' as StageDefinition['forecastCategory'] });
    expect(failure([bad, won, lost])).toMatchObject({ ok: false, field: 'stages[0].forecastCategory' });
  });

  it('requires probability 100 on the won stage and 0 on the lost stage', () => {
    expect(failure([stage({}), { ...won, probability: 90 }, lost])).toEqual({
      ok: false,
      field: 'stages[1].probability',
      message: 'The won stage must have probability 100',
    });
    expect(failure([stage({}), won, { ...lost, probability: 5 }])).toEqual({
      ok: false,
      field: 'stages[2].probability',
      message: 'The lost stage must have probability 0',
    });
  });

  it('rejects a stage flagged both won and lost', () => {
    expect(failure([stage({}), won, lost, stage({ name: 'Both', order: 4, isWon: true, isLost: true })])).toEqual({
      ok: false,
      field: 'stages[3].isLost',
      message: 'A stage cannot be both won and lost',
    });
  });
});

describe('checkStageMove', () => {
  const deal = { status: 'OPEN' as DealStatus, stageId: 's1', pipelineId: 'p1' };
  const target = { id: 's2', pipelineId: 'p1', isWon: false, isLost: false };

  it('allows a move to another open stage of the same pipeline', () => {
    expect(checkStageMove(deal, target)).toEqual({ ok: true });
  });

  it.each(['WON', 'LOST'] as const)('refuses to move a %s deal', (status) => {
    expect(checkStageMove({ ...deal, status }, target)).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: `Deal is closed (${status}); reopen it first`,
    });
  });

  it('refuses a stage of another pipeline as bad input on stageId', () => {
    expect(checkStageMove(deal, { ...target, pipelineId: 'p2' })).toEqual({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'stageId',
      message: "Stage does not belong to the deal's pipeline",
    });
  });

  it('sends won and lost stages to winDeal / loseDeal', () => {
    expect(checkStageMove(deal, { ...target, isWon: true })).toEqual({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'stageId',
      message: 'Use winDeal to move a deal into the won stage',
    });
    expect(checkStageMove(deal, { ...target, isLost: true })).toEqual({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'stageId',
      message: 'Use loseDeal to move a deal into the lost stage',
    });
  });

  it('refuses a move to the current stage as a conflict', () => {
    expect(checkStageMove(deal, { ...target, id: 's1' })).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'Deal is already in this stage',
    });
  });

  it('reports the closed deal before anything else', () => {
    expect(checkStageMove({ ...deal, status: 'WON' }, { ...target, pipelineId: 'p2', isLost: true })).toMatchObject({ code: 'CONFLICT' });
  });
});

describe('checkWin / checkReopen', () => {
  it('wins only an open deal', () => {
    expect(checkWin({ status: 'OPEN' })).toEqual({ ok: true });
    expect(checkWin({ status: 'WON' })).toEqual({ ok: false, code: 'CONFLICT', message: 'Deal is closed (WON); reopen it first' });
    expect(checkWin({ status: 'LOST' })).toEqual({ ok: false, code: 'CONFLICT', message: 'Deal is closed (LOST); reopen it first' });
  });

  it('reopens only a closed deal', () => {
    expect(checkReopen({ status: 'WON' })).toEqual({ ok: true });
    expect(checkReopen({ status: 'LOST' })).toEqual({ ok: true });
    expect(checkReopen({ status: 'OPEN' })).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'Deal is already open; only a won or lost deal can be reopened',
    });
  });
});

describe('checkLose', () => {
  const open = { status: 'OPEN' as DealStatus };
  const list = ['Price', 'Went with competitor', ' No budget '];

  it('returns the trimmed free-text reason when the tenant has no list', () => {
    expect(checkLose(open, '  Timing was wrong ', null)).toEqual({ ok: true, reason: 'Timing was wrong' });
    expect(checkLose(open, 'Timing', [])).toEqual({ ok: true, reason: 'Timing' });
  });

  it("returns a listed reason in the list's spelling", () => {
    expect(checkLose(open, 'price', list)).toEqual({ ok: true, reason: 'Price' });
    expect(checkLose(open, ' WENT WITH COMPETITOR ', list)).toEqual({ ok: true, reason: 'Went with competitor' });
    expect(checkLose(open, 'no budget', list)).toEqual({ ok: true, reason: 'No budget' });
  });

  it('keeps a reason missing from the list as free text', () => {
    expect(checkLose(open, 'Champion left', list)).toEqual({ ok: true, reason: 'Champion left' });
  });

  it.each([undefined, null, '', '   '])('requires a reason (%p)', (reason) => {
    expect(checkLose(open, reason, list)).toEqual({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'reason',
      message: 'A reason is required to lose a deal',
    });
  });

  it('allows 500 characters and rejects 501', () => {
    expect(checkLose(open, 'x'.repeat(500), null)).toEqual({ ok: true, reason: 'x'.repeat(500) });
    expect(checkLose(open, 'x'.repeat(501), null)).toEqual({
      ok: false,
      code: 'BAD_USER_INPUT',
      field: 'reason',
      message: 'Reason must be at most 500 characters',
    });
  });

  it('refuses a closed deal', () => {
    expect(checkLose({ status: 'LOST' }, 'Price', list)).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'Deal is closed (LOST); reopen it first',
    });
  });
});

describe('canDeleteStage', () => {
  const openStage = { isWon: false, isLost: false };

  it('deletes an empty open stage', () => {
    expect(canDeleteStage(openStage, 0)).toEqual({ ok: true });
  });

  it('refuses a stage holding deals and says how many', () => {
    expect(canDeleteStage(openStage, 1)).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'Stage has 1 deal; move it to another stage first',
    });
    expect(canDeleteStage(openStage, 12)).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'Stage has 12 deals; move them to another stage first',
    });
  });

  it('never deletes the won or lost stage, even empty', () => {
    expect(canDeleteStage({ isWon: true, isLost: false }, 0)).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'The won stage cannot be deleted',
    });
    expect(canDeleteStage({ isWon: false, isLost: true }, 0)).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'The lost stage cannot be deleted',
    });
  });
});
