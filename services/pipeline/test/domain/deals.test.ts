import {
  validateDealTitle,
  validateProbability,
  validateCloseDate,
  validateDealFields,
  firstOpenStage,
  wonStage,
  lostStage,
  reopenStage,
  MAX_DEAL_TITLE_LENGTH,
  validateLostReasons,
  checkEditable,
  DEFAULT_LOST_REASONS,
  MAX_LOST_REASONS,
} from '../../src/domain/deals';
import { MAX_AMOUNT_MINOR_UNITS } from '../../src/domain/money';

describe('validateDealTitle', () => {
  it('trims and accepts up to the limit in characters', () => {
    expect(validateDealTitle('  Big renewal ')).toEqual({ ok: true, value: 'Big renewal' });
    expect(validateDealTitle('😀'.repeat(MAX_DEAL_TITLE_LENGTH))).toMatchObject({ ok: true });
  });
  it.each([undefined, null, '', '   ', 7])('rejects %p', (title) => {
    expect(validateDealTitle(title)).toEqual({ ok: false, field: 'title', message: 'title must not be blank' });
  });
  it('rejects a title one character too long', () => {
    expect(validateDealTitle('x'.repeat(MAX_DEAL_TITLE_LENGTH + 1))).toEqual({
      ok: false,
      field: 'title',
      message: `title must be at most ${MAX_DEAL_TITLE_LENGTH} characters`,
    });
  });
});

describe('validateProbability', () => {
  it('treats absent as null and keeps 0..100', () => {
    expect(validateProbability(undefined)).toEqual({ ok: true, value: null });
    expect(validateProbability(null)).toEqual({ ok: true, value: null });
    expect(validateProbability(0)).toEqual({ ok: true, value: 0 });
    expect(validateProbability(-0)).toEqual({ ok: true, value: 0 });
    expect(Object.is((validateProbability(-0) as { value: number }).value, 0)).toBe(true);
    expect(validateProbability(100)).toEqual({ ok: true, value: 100 });
  });
  it.each([-1, 101, 50.5, '50', NaN])('rejects %p', (p) => {
    expect(validateProbability(p)).toMatchObject({ ok: false, field: 'probability' });
  });
  it('names the field it is given', () => {
    expect(validateProbability(200, 'input.probability')).toMatchObject({ ok: false, field: 'input.probability' });
  });
});

describe('validateCloseDate', () => {
  it('accepts real dates and absent values', () => {
    expect(validateCloseDate('2025-02-28')).toEqual({ ok: true, value: '2025-02-28' });
    expect(validateCloseDate(undefined)).toEqual({ ok: true, value: null });
    expect(validateCloseDate(null)).toEqual({ ok: true, value: null });
  });
  it.each(['2025-02-30', '2025-2-1', '2025-02-01T00:00:00Z', 'tomorrow', 20250201, '1899-12-31'])('rejects %p', (d) => {
    expect(validateCloseDate(d)).toMatchObject({ ok: false, field: 'expectedCloseDate' });
  });
});

describe('validateDealFields', () => {
  const base = { title: 'Deal', amount: 1000, currency: 'eur', probability: null, expectedCloseDate: '2025-06-30' };
  it('normalises every field', () => {
    expect(validateDealFields(base)).toEqual({
      ok: true,
      value: { title: 'Deal', amount: 1000, currency: 'EUR', probability: null, expectedCloseDate: '2025-06-30' },
    });
    expect(validateDealFields({ title: 'D', amount: 0 })).toEqual({
      ok: true,
      value: { title: 'D', amount: 0, currency: 'USD', probability: null, expectedCloseDate: null },
    });
  });
  it.each([
    [{ amount: -1 }, 'amount'],
    [{ amount: MAX_AMOUNT_MINOR_UNITS + 1 }, 'amount'],
    [{ amount: 10.5 }, 'amount'],
    [{ currency: 'XXXX' }, 'currency'],
    [{ currency: 'ZZZ' }, 'currency'],
    [{ probability: 101 }, 'probability'],
    [{ expectedCloseDate: '2025-13-01' }, 'expectedCloseDate'],
    [{ title: ' ' }, 'title'],
  ])('%p is rejected on %s', (patch, field) => {
    expect(validateDealFields({ ...base, ...patch })).toMatchObject({ ok: false, field });
  });
  it('reports the first fault in form order', () => {
    expect(validateDealFields({ title: '', amount: -1 })).toMatchObject({ field: 'title' });
  });
});

describe('stage choices', () => {
  const s = (id: string, order: number, flags: { isWon?: boolean; isLost?: boolean } = {}) => ({
    id,
    order,
    isWon: flags.isWon ?? false,
    isLost: flags.isLost ?? false,
  });
  const stages = [s('won', 1, { isWon: true }), s('b', 5), s('a', 3), s('lost', 0, { isLost: true })];

  it('picks the lowest-ordered open stage, whatever the array order', () => {
    expect(firstOpenStage(stages)?.id).toBe('a');
    expect(firstOpenStage([s('won', 1, { isWon: true })])).toBeNull();
  });
  it('finds the won and lost stages', () => {
    expect(wonStage(stages)?.id).toBe('won');
    expect(lostStage(stages)?.id).toBe('lost');
    expect(wonStage([s('a', 1)])).toBeNull();
  });
  it('reopens into the stage the deal closed from, else the first open stage', () => {
    expect(reopenStage(stages, 'b')?.id).toBe('b');
    expect(reopenStage(stages, 'gone')?.id).toBe('a');
    expect(reopenStage(stages, null)?.id).toBe('a');
    expect(reopenStage(stages, 'won')?.id).toBe('a');
  });
});

describe('validateLostReasons', () => {
  it('trims and keeps the order', () => {
    expect(validateLostReasons([' Price ', 'Timing'])).toEqual({ ok: true, value: ['Price', 'Timing'] });
    expect(validateLostReasons([])).toEqual({ ok: true, value: [] });
  });
  it('rejects blanks, duplicates ignoring case, long entries and long lists', () => {
    expect(validateLostReasons(['Price', ' '])).toMatchObject({ ok: false, field: 'lostReasons[1]' });
    expect(validateLostReasons(['Price', 'PRICE'])).toEqual({ ok: false, field: 'lostReasons[1]', message: '"PRICE" is listed twice' });
    expect(validateLostReasons(['x'.repeat(501)])).toMatchObject({ ok: false, field: 'lostReasons[0]' });
    expect(validateLostReasons(Array.from({ length: MAX_LOST_REASONS + 1 }, (_, i) => `r${i}`))).toMatchObject({
      ok: false,
      field: 'lostReasons',
    });
  });
  it('the default list passes', () => {
    expect(validateLostReasons(DEFAULT_LOST_REASONS)).toMatchObject({ ok: true });
  });
});

describe('checkEditable', () => {
  it('allows open deals and freezes closed ones', () => {
    expect(checkEditable({ status: 'OPEN' })).toEqual({ ok: true });
    expect(checkEditable({ status: 'WON' })).toEqual({ ok: false, code: 'CONFLICT', message: 'Deal is closed (WON); reopen it first' });
    expect(checkEditable({ status: 'LOST' })).toMatchObject({ ok: false, code: 'CONFLICT' });
  });
});
