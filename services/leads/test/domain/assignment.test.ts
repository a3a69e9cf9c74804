import { pickOwner, type AssignmentRule } from '../../src/domain/assignment';

/** Runs `n` assignments from cursor 0, feeding each nextCursor into the following call. */
function rotate(rule: AssignmentRule, contact: { industry?: string | null; country?: string | null }, n: number) {
  const owners: (string | null)[] = [];
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    const pick = pickOwner(rule, contact, cursor);
    owners.push(pick.ownerId);
    cursor = pick.nextCursor;
  }
  return { owners, cursor };
}

describe('pickOwner ROUND_ROBIN', () => {
  const rule: AssignmentRule = { kind: 'ROUND_ROBIN', userIds: ['u1', 'u2', 'u3'] };

  it('rotates through the users in order and wraps', () => {
    expect(rotate(rule, {}, 7)).toEqual({ owners: ['u1', 'u2', 'u3', 'u1', 'u2', 'u3', 'u1'], cursor: 7 });
  });

  it.each([
    [0, 'u1', 1],
    [1, 'u2', 2],
    [5, 'u3', 6],
    [300, 'u1', 301],
  ])('cursor %i picks %s and advances to %i', (cursor, ownerId, nextCursor) => {
    expect(pickOwner(rule, {}, cursor)).toEqual({ ownerId, nextCursor });
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('treats bad cursor %p as 0', (cursor) => {
    expect(pickOwner(rule, {}, cursor)).toEqual({ ownerId: 'u1', nextCursor: 1 });
  });

  it('wraps the cursor before it loses integer precision', () => {
    expect(pickOwner(rule, {}, Number.MAX_SAFE_INTEGER)).toEqual({
      ownerId: ['u1', 'u2', 'u3'][Number.MAX_SAFE_INTEGER % 3],
      nextCursor: 0,
    });
  });

  it('returns null and keeps the cursor with no users', () => {
    expect(pickOwner({ kind: 'ROUND_ROBIN', userIds: [] }, {}, 4)).toEqual({ ownerId: null, nextCursor: 4 });
  });

  it('skips blank user ids', () => {
    expect(rotate({ kind: 'ROUND_ROBIN', userIds: ['', 'u1', '  ', 'u2'] }, {}, 3).owners).toEqual(['u1', 'u2', 'u1']);
    expect(pickOwner({ kind: 'ROUND_ROBIN', userIds: ['', ' '] }, {}, 0)).toEqual({ ownerId: null, nextCursor: 0 });
  });
});

describe('pickOwner BY_INDUSTRY', () => {
  const rule: AssignmentRule = {
    kind: 'BY_INDUSTRY',
    map: { Software: ['ana', 'bo'], 'Financial Services': ['cy'], Retail: [] },
    fallback: ['dee', 'eli'],
  };

  it('rotates within the industry list', () => {
    expect(rotate(rule, { industry: 'Software' }, 3).owners).toEqual(['ana', 'bo', 'ana']);
  });

  it.each(['software', 'SOFTWARE', '  Software '])('matches industry %p case-insensitively', (industry) => {
    expect(pickOwner(rule, { industry }, 1)).toEqual({ ownerId: 'bo', nextCursor: 2 });
  });

  it('matches multi-word industries', () => {
    expect(pickOwner(rule, { industry: 'financial services' }, 9)).toEqual({ ownerId: 'cy', nextCursor: 10 });
  });

  it.each([
    ['an unknown industry', 'Mining'],
    ['an industry mapped to nobody', 'retail'],
    ['no industry', null],
    ['a blank industry', '  '],
  ])('falls back for %s', (_label, industry) => {
    expect(rotate(rule, { industry }, 3).owners).toEqual(['dee', 'eli', 'dee']);
  });

  it('ignores the country', () => {
    expect(pickOwner(rule, { industry: 'Software', country: 'FR' }, 0).ownerId).toBe('ana');
  });

  it('returns null when the fallback is empty too', () => {
    expect(pickOwner({ ...rule, fallback: [] }, { industry: 'Mining' }, 2)).toEqual({ ownerId: null, nextCursor: 2 });
  });
});

describe('pickOwner BY_TERRITORY', () => {
  const rule: AssignmentRule = {
    kind: 'BY_TERRITORY',
    map: { FR: ['fr1', 'fr2'], de: ['de1'], US: ['us1', 'us2', 'us3'] },
    fallback: ['row'],
  };

  it.each([
    ['FR', 0, 'fr1'],
    ['fr', 1, 'fr2'],
    ['DE', 0, 'de1'],
    [' us ', 4, 'us2'],
    ['BR', 3, 'row'],
    [null, 0, 'row'],
    [undefined, 0, 'row'],
  ])('country %p at cursor %i -> %s', (country, cursor, ownerId) => {
    expect(pickOwner(rule, { country }, cursor)).toEqual({ ownerId, nextCursor: cursor + 1 });
  });

  it('ignores the industry', () => {
    expect(pickOwner(rule, { industry: 'FR', country: 'DE' }, 0).ownerId).toBe('de1');
  });

  it('returns null with no match and no fallback', () => {
    expect(pickOwner({ ...rule, fallback: [] }, { country: 'JP' }, 0)).toEqual({ ownerId: null, nextCursor: 0 });
  });
});
