import {
  LIFECYCLE_STAGES,
  checkTransition,
  isCustomerStage,
  isLifecycleStage,
  isPreCustomer,
  type LifecycleStage,
  type TransitionKind,
  type TransitionVerdict,
} from '../../src/domain/lifecycle';

// Expected verdicts, written out by hand from the README's lifecycle rules (rows = from, columns = to, in
// LIFECYCLE_STAGES order) so the test doesn't re-derive the rules from the implementation.
//   = same stage   F forward   R recycle   D disqualify   C churn   Q reconquest   E re-engage
//   x illegal. Every letter but F needs a reason.
const MATRIX: Record<LifecycleStage, string> = {
  //            VIS LEA MQL SQL OPP CUS PRO CHU DIS
  VISITOR: '=   F   F   F   F   F   F   x   D',
  LEAD: 'x   =   F   F   F   F   F   x   D',
  MQL: 'x   x   =   F   F   F   F   x   D',
  SQL: 'x   R   R   =   F   F   F   x   D',
  OPPORTUNITY: 'x   R   R   x   =   F   F   x   D',
  CUSTOMER: 'x   x   x   x   x   =   F   C   x',
  PROMOTER: 'x   x   x   x   x   x   =   C   x',
  CHURNED: 'x   x   x   x   Q   Q   x   =   x',
  DISQUALIFIED: 'x   E   x   x   x   x   x   x   =',
};

const KIND_BY_LETTER: Record<string, TransitionKind> = {
  F: 'FORWARD',
  R: 'RECYCLE',
  D: 'DISQUALIFY',
  C: 'CHURN',
  Q: 'RECONQUEST',
  E: 'REENGAGE',
};

type Expectation = { withReason: TransitionVerdict; withoutReason: TransitionVerdict };

function expected(from: LifecycleStage, to: LifecycleStage): Expectation {
  const letter = MATRIX[from].split(/\s+/)[LIFECYCLE_STAGES.indexOf(to)];
  if (letter === '=') {
    const same: TransitionVerdict = { ok: false, code: 'SAME_STAGE', message: `Contact is already in stage ${to}` };
    return { withReason: same, withoutReason: same };
  }
  if (letter === 'x') {
    const illegal: TransitionVerdict = {
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      message: `Cannot move a contact from ${from} to ${to}`,
    };
    return { withReason: illegal, withoutReason: illegal };
  }
  const kind = KIND_BY_LETTER[letter];
  if (kind === undefined) throw new Error(`bad matrix letter ${letter}`);
  const ok: TransitionVerdict = { ok: true, kind };
  if (kind === 'FORWARD') return { withReason: ok, withoutReason: ok };
  return {
    withReason: ok,
    withoutReason: {
      ok: false,
      code: 'REASON_REQUIRED',
      message: `A reason is required to move a contact from ${from} to ${to}`,
    },
  };
}

const ALL_PAIRS = LIFECYCLE_STAGES.flatMap((from) => LIFECYCLE_STAGES.map((to) => [from, to] as const));

describe('checkTransition over all 81 from/to pairs', () => {
  it('covers 81 distinct pairs', () => {
    expect(ALL_PAIRS).toHaveLength(81);
    expect(new Set(ALL_PAIRS.map(([f, t]) => `${f}>${t}`)).size).toBe(81);
  });

  it.each(ALL_PAIRS)('%s -> %s', (from, to) => {
    const { withReason, withoutReason } = expected(from, to);
    expect(checkTransition(from, to, 'customer asked')).toEqual(withReason);
    expect(checkTransition(from, to)).toEqual(withoutReason);
    expect(checkTransition(from, to, null)).toEqual(withoutReason);
    expect(checkTransition(from, to, '   \t\n')).toEqual(withoutReason);
  });

  it('counts the legal moves per kind', () => {
    const counts: Record<string, number> = {};
    for (const [from, to] of ALL_PAIRS) {
      const v = checkTransition(from, to, 'r');
      const key = v.ok ? v.kind : v.code;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts).toEqual({
      SAME_STAGE: 9,
      FORWARD: 21,
      RECYCLE: 4,
      DISQUALIFY: 5,
      CHURN: 2,
      RECONQUEST: 2,
      REENGAGE: 1,
      ILLEGAL_TRANSITION: 37,
    });
  });
});

describe('checkTransition examples from the brief', () => {
  it.each([
    ['PROMOTER', 'CUSTOMER'],
    ['CUSTOMER', 'LEAD'],
    ['MQL', 'LEAD'],
    ['CHURNED', 'LEAD'],
    ['DISQUALIFIED', 'MQL'],
  ] as const)('%s -> %s is illegal even with a reason', (from, to) => {
    expect(checkTransition(from, to, 'a good reason')).toEqual({
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      message: `Cannot move a contact from ${from} to ${to}`,
    });
  });

  it('names both stages in the illegal-move message', () => {
    const v = checkTransition('CUSTOMER', 'LEAD');
    expect(v).toEqual({ ok: false, code: 'ILLEGAL_TRANSITION', message: 'Cannot move a contact from CUSTOMER to LEAD' });
  });

  it('allows skipping stages forward without a reason', () => {
    expect(checkTransition('VISITOR', 'PROMOTER')).toEqual({ ok: true, kind: 'FORWARD' });
    expect(checkTransition('LEAD', 'CUSTOMER', '')).toEqual({ ok: true, kind: 'FORWARD' });
  });

  it('accepts a reason surrounded by whitespace', () => {
    expect(checkTransition('SQL', 'MQL', '  not ready  ')).toEqual({ ok: true, kind: 'RECYCLE' });
  });
});

describe('stage predicates', () => {
  it('isLifecycleStage accepts exactly the nine stages', () => {
    for (const s of LIFECYCLE_STAGES) expect(isLifecycleStage(s)).toBe(true);
    expect(isLifecycleStage('lead')).toBe(false);
    expect(isLifecycleStage('')).toBe(false);
    expect(isLifecycleStage('PROSPECT')).toBe(false);
    expect(isLifecycleStage('toString')).toBe(false);
  });

  it('LIFECYCLE_STAGES lists the stages in funnel order', () => {
    expect(LIFECYCLE_STAGES).toEqual(['VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER', 'CHURNED', 'DISQUALIFIED']);
  });

  it('isPreCustomer is true for VISITOR..OPPORTUNITY only', () => {
    expect(LIFECYCLE_STAGES.filter(isPreCustomer)).toEqual(['VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY']);
  });

  it('isCustomerStage is true for CUSTOMER and PROMOTER only', () => {
    expect(LIFECYCLE_STAGES.filter(isCustomerStage)).toEqual(['CUSTOMER', 'PROMOTER']);
  });
});
