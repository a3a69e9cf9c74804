import {
  DEFAULT_SCORING_RULES,
  engagementScore,
  FIT_SCORE_FIELDS,
  fitScore,
  scoreContact,
  type EngagementEvent,
  type EngagementKind,
  type ScoringRules,
} from '../../src/domain/scoring';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2025-06-30T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
const rules = DEFAULT_SCORING_RULES;

describe('FIT_SCORE_FIELDS', () => {
  it('are the contact fields the fit score reads: the job title, the budget and the company (its industry and size)', () => {
    expect([...FIT_SCORE_FIELDS].sort()).toEqual(['budget', 'companyId', 'jobTitle']);
    const base = { industry: null, companySize: null, jobTitle: null, budget: null };
    const fit = (p: Partial<typeof base>) => fitScore({ ...base, ...p }, rules).total;
    expect(fit({ jobTitle: 'CEO' })).toBe(fit({}) + 25);
    expect(fit({ budget: 100_000 })).toBe(fit({}) + 20);
    expect(fit({ industry: 'software', companySize: 500 })).toBe(fit({}) + 35);
  });
});

describe('DEFAULT_SCORING_RULES', () => {
  it('uses the documented threshold and half-life', () => {
    expect(rules.mqlThreshold).toBe(50);
    expect(rules.halfLifeDays).toBe(30);
  });

  it('gives points to every engagement kind', () => {
    expect(Object.keys(rules.engagement).sort()).toEqual([
      'CAMPAIGN_RESPONSE',
      'EMAIL_CLICK',
      'EMAIL_OPEN',
      'FORM_FILL',
      'MEETING',
      'PAGE_VIEW',
    ]);
  });
});

describe('fitScore', () => {
  it('adds industry, company size, best job-title keyword and budget tier', () => {
    expect(fitScore({ industry: 'SaaS', companySize: 120, jobTitle: 'VP Sales Director', budget: 60_000 }, rules)).toEqual({
      total: 60,
      parts: [
        { rule: 'industry:saas', points: 20 },
        { rule: 'companySize:51-200', points: 10 },
        { rule: 'jobTitle:vp', points: 20 },
        { rule: 'budget:>=50000', points: 10 },
      ],
    });
  });

  it('scores an empty profile as zero', () => {
    expect(fitScore({}, rules)).toEqual({ total: 0, parts: [] });
    expect(fitScore({ industry: null, companySize: null, jobTitle: null, budget: null }, rules)).toEqual({ total: 0, parts: [] });
  });

  it.each([
    ['Financial Services', 15],
    ['  HEALTHCARE ', 10],
    ['software', 20],
  ])('matches industry %p case-insensitively -> %i', (industry, points) => {
    expect(fitScore({ industry }, rules).total).toBe(points);
  });

  it('gives nothing for an unknown or blank industry', () => {
    expect(fitScore({ industry: 'Mining' }, rules)).toEqual({ total: 0, parts: [] });
    expect(fitScore({ industry: '   ' }, rules)).toEqual({ total: 0, parts: [] });
  });

  it.each([
    [0, null],
    [1, 0],
    [10, 0],
    [11, 5],
    [200, 10],
    [201, 15],
    [1000, 15],
    [1001, 20],
    [250_000, 20],
  ])('company size %i -> %p points', (companySize, points) => {
    const parts = fitScore({ companySize }, rules).parts;
    expect(parts.map((p) => p.points)).toEqual(points === null ? [] : [points]);
  });

  it('names the unbounded size band with *', () => {
    expect(fitScore({ companySize: 5000 }, rules).parts).toEqual([{ rule: 'companySize:1001-*', points: 20 }]);
  });

  it.each([
    ['CTO', 'cto', 25],
    ['Chief Executive Officer (CEO)', 'ceo', 25],
    ['Co-Founder', 'founder', 25],
    ['VP Sales Director', 'vp', 20], // best keyword, not vp + director
    ['Vice President, Marketing', 'vice president', 20],
    ['Director of Engineering', 'director', 15],
    ['Head of Growth', 'head', 15],
    ['Student Director', 'director', 15], // best match wins over a penalty
    ['student', 'student', -20],
    ['Marketing Intern', 'intern', -15],
  ])('job title %p matches %p (%i)', (jobTitle, keyword, points) => {
    expect(fitScore({ jobTitle }, rules)).toEqual({ total: points, parts: [{ rule: `jobTitle:${keyword}`, points }] });
  });

  it.each(['Victor', 'Headhunter', 'Managerial Accountant', 'Chief Technology Officer', ''])(
    'job title %p matches no keyword (whole words only)',
    (jobTitle) => {
      expect(fitScore({ jobTitle }, rules)).toEqual({ total: 0, parts: [] });
    },
  );

  it.each([
    [9_999, null],
    [10_000, 5],
    [50_000, 10],
    [99_999, 10],
    [100_000, 20],
    [5_000_000, 20],
  ])('budget %i -> %p points (highest tier reached)', (budget, points) => {
    expect(fitScore({ budget }, rules).parts.map((p) => p.points)).toEqual(points === null ? [] : [points]);
  });

  it('picks the highest budget tier even when tiers are listed unsorted', () => {
    const custom: ScoringRules = {
      ...rules,
      fit: {
        ...rules.fit,
        budgetPoints: [
          { minBudget: 100, points: 9 },
          { minBudget: 0, points: 1 },
          { minBudget: 50, points: 4 },
        ],
      },
    };
    expect(fitScore({ budget: 75 }, custom).parts).toEqual([{ rule: 'budget:>=50', points: 4 }]);
  });

  it('ignores non-finite numbers', () => {
    expect(fitScore({ companySize: Number.NaN, budget: Number.POSITIVE_INFINITY }, rules)).toEqual({ total: 0, parts: [] });
  });
});

describe('engagementScore', () => {
  it('decays each event by its half-life and rounds once at the end', () => {
    const events: EngagementEvent[] = [
      { kind: 'MEETING', at: now }, // 20
      { kind: 'FORM_FILL', at: daysAgo(30) }, // 10 * 0.5 = 5
      { kind: 'EMAIL_CLICK', at: daysAgo(60) }, // 3 * 0.25 = 0.75
    ];
    expect(engagementScore(events, rules, now)).toEqual({
      total: 26,
      exact: 25.75,
      parts: [
        { rule: 'engagement:EMAIL_CLICK', points: 0.75 },
        { rule: 'engagement:FORM_FILL', points: 5 },
        { rule: 'engagement:MEETING', points: 20 },
      ],
    });
  });

  it('does not round per event', () => {
    // Three opens 30 days old: 0.5 each. Sum 1.5 -> 2; rounding each first would give 3.
    const opens = [1, 2, 3].map(() => ({ kind: 'EMAIL_OPEN' as const, at: daysAgo(30) }));
    expect(engagementScore(opens, rules, now)).toEqual({
      total: 2,
      exact: 1.5,
      parts: [{ rule: 'engagement:EMAIL_OPEN', points: 1.5 }],
    });
  });

  it('uses the tenant half-life', () => {
    const custom: ScoringRules = { ...rules, halfLifeDays: 10 };
    expect(engagementScore([{ kind: 'CAMPAIGN_RESPONSE', at: daysAgo(10) }], custom, now).exact).toBe(4);
    expect(engagementScore([{ kind: 'CAMPAIGN_RESPONSE', at: daysAgo(5) }], custom, now).exact).toBeCloseTo(8 / Math.SQRT2, 10);
  });

  it('fades old events to nothing', () => {
    expect(engagementScore([{ kind: 'MEETING', at: daysAgo(3650) }], rules, now).total).toBe(0);
  });

  it('counts a future-dated event at full value, not more', () => {
    expect(engagementScore([{ kind: 'MEETING', at: new Date(now.getTime() + 5 * DAY) }], rules, now).exact).toBe(20);
  });

  it('skips events with an unknown kind or an invalid date', () => {
    const events = [
      { kind: 'WEBINAR' as EngagementKind, at: now },
      { kind: 'MEETING' as const, at: new Date('not a date') },
      { kind: 'PAGE_VIEW' as const, at: now },
    ];
    expect(engagementScore(events, rules, now)).toEqual({ total: 1, exact: 1, parts: [{ rule: 'engagement:PAGE_VIEW', points: 1 }] });
  });

  it('is zero with no events', () => {
    expect(engagementScore([], rules, now)).toEqual({ total: 0, exact: 0, parts: [] });
  });
});

describe('scoreContact', () => {
  const profile = { industry: 'SaaS', companySize: 120, jobTitle: 'VP Sales Director', budget: 60_000 };
  const events: EngagementEvent[] = [
    { kind: 'MEETING', at: now },
    { kind: 'FORM_FILL', at: daysAgo(30) },
    { kind: 'EMAIL_CLICK', at: daysAgo(60) },
  ];

  it('adds fit and engagement into an integer score with a breakdown', () => {
    expect(scoreContact(profile, events, rules, now)).toEqual({
      score: 86, // round(60 + 25.75)
      fit: 60,
      engagement: 26,
      breakdown: [
        { rule: 'industry:saas', points: 20 },
        { rule: 'companySize:51-200', points: 10 },
        { rule: 'jobTitle:vp', points: 20 },
        { rule: 'budget:>=50000', points: 10 },
        { rule: 'engagement:EMAIL_CLICK', points: 0.75 },
        { rule: 'engagement:FORM_FILL', points: 5 },
        { rule: 'engagement:MEETING', points: 20 },
      ],
    });
  });

  it('crosses the default MQL threshold for this profile', () => {
    expect(scoreContact(profile, events, rules, now).score).toBeGreaterThanOrEqual(rules.mqlThreshold);
  });

  it('clamps at 0 for a negative total', () => {
    expect(scoreContact({ jobTitle: 'Student' }, [], rules, now)).toEqual({
      score: 0,
      fit: -20,
      engagement: 0,
      breakdown: [{ rule: 'jobTitle:student', points: -20 }],
    });
  });

  it('clamps at 1000', () => {
    const custom: ScoringRules = { ...rules, engagement: { ...rules.engagement, MEETING: 100 } };
    const meetings = Array.from({ length: 20 }, () => ({ kind: 'MEETING' as const, at: now }));
    const result = scoreContact({}, meetings, custom, now);
    expect(result.score).toBe(1000);
    expect(result.engagement).toBe(2000);
  });
});
