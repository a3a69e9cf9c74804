import { DEFAULT_SCORING_RULES } from '../../src/domain/scoring';
import { validateScoringRules } from '../../src/domain/scoring-validation';

type Json = Record<string, any>;

/** A deep copy of the defaults as plain JSON, changed by `edit`. */
function rulesWith(edit: (r: Json) => void): unknown {
  const r = structuredClone(DEFAULT_SCORING_RULES) as Json;
  edit(r);
  return r;
}

describe('validateScoringRules: accepted input', () => {
  it('accepts the defaults and returns an equal copy', () => {
    const result = validateScoringRules(DEFAULT_SCORING_RULES);
    expect(result).toEqual({ ok: true, rules: DEFAULT_SCORING_RULES });
    if (result.ok) {
      expect(result.rules).not.toBe(DEFAULT_SCORING_RULES);
      expect(result.rules.fit.companySizes).not.toBe(DEFAULT_SCORING_RULES.fit.companySizes);
    }
  });

  it('trims industry names and keywords', () => {
    const result = validateScoringRules(
      rulesWith((r) => {
        r.fit.industries = { '  Retail ': 5 };
        r.fit.jobTitleKeywords = [{ keyword: ' Owner ', points: 30 }];
      }),
    );
    expect(result.ok && result.rules.fit.industries).toEqual({ Retail: 5 });
    expect(result.ok && result.rules.fit.jobTitleKeywords).toEqual([{ keyword: 'Owner', points: 30 }]);
  });

  it('accepts boundary values', () => {
    const result = validateScoringRules(
      rulesWith((r) => {
        r.mqlThreshold = 1000;
        r.halfLifeDays = 0.5;
        r.engagement.MEETING = 100;
        r.engagement.PAGE_VIEW = -100;
        r.fit.companySizes = [
          { min: 0, max: 0, points: 0 },
          { min: 1, max: null, points: 1 },
        ];
        r.fit.budgetPoints = [];
        r.fit.industries = {};
      }),
    );
    expect(result.ok).toBe(true);
    expect(validateScoringRules(rulesWith((r) => (r.mqlThreshold = 1))).ok).toBe(true);
  });
});

describe('validateScoringRules: rejected input names the field', () => {
  it.each([
    [null, 'rules', 'rules must be an object'],
    [[], 'rules', 'rules must be an object'],
    ['{}', 'rules', 'rules must be an object'],
  ])('rejects %p', (input, field, message) => {
    expect(validateScoringRules(input)).toEqual({ ok: false, field, message });
  });

  it.each<[string, (r: Json) => void, string, string]>([
    ['missing threshold', (r) => delete r.mqlThreshold, 'mqlThreshold', 'mqlThreshold must be an integer from 1 to 1000'],
    ['threshold 0', (r) => (r.mqlThreshold = 0), 'mqlThreshold', 'mqlThreshold must be an integer from 1 to 1000'],
    ['threshold 1001', (r) => (r.mqlThreshold = 1001), 'mqlThreshold', 'mqlThreshold must be an integer from 1 to 1000'],
    ['threshold 50.5', (r) => (r.mqlThreshold = 50.5), 'mqlThreshold', 'mqlThreshold must be an integer from 1 to 1000'],
    ['threshold "50"', (r) => (r.mqlThreshold = '50'), 'mqlThreshold', 'mqlThreshold must be an integer from 1 to 1000'],
    ['half-life 0', (r) => (r.halfLifeDays = 0), 'halfLifeDays', 'halfLifeDays must be a number above 0'],
    ['half-life -3', (r) => (r.halfLifeDays = -3), 'halfLifeDays', 'halfLifeDays must be a number above 0'],
    ['half-life Infinity', (r) => (r.halfLifeDays = Infinity), 'halfLifeDays', 'halfLifeDays must be a number above 0'],
    ['unknown top-level key', (r) => (r.halfLife = 30), 'halfLife', 'Unknown field halfLife'],
    ['fit missing', (r) => delete r.fit, 'fit', 'fit must be an object'],
    ['unknown fit key', (r) => (r.fit.titles = []), 'fit.titles', 'Unknown field titles'],
    [
      'industry points 101',
      (r) => (r.fit.industries.saas = 101),
      'fit.industries.saas',
      'fit.industries.saas must be an integer from -100 to 100',
    ],
    [
      'industry points 1.5',
      (r) => (r.fit.industries.saas = 1.5),
      'fit.industries.saas',
      'fit.industries.saas must be an integer from -100 to 100',
    ],
    ['blank industry', (r) => (r.fit.industries['  '] = 3), 'fit.industries.  ', 'fit.industries.   must be a non-blank string'],
    ['duplicate industry', (r) => (r.fit.industries.SaaS = 3), 'fit.industries.SaaS', 'Industry SaaS is listed twice'],
    ['sizes not an array', (r) => (r.fit.companySizes = {}), 'fit.companySizes', 'fit.companySizes must be an array'],
    [
      'size min negative',
      (r) => (r.fit.companySizes[0].min = -1),
      'fit.companySizes[0].min',
      'fit.companySizes[0].min must be a non-negative integer',
    ],
    [
      'size max below min',
      (r) => (r.fit.companySizes[1].max = 5),
      'fit.companySizes[1].max',
      'fit.companySizes[1].max must be at least min',
    ],
    [
      'size max missing',
      (r) => delete r.fit.companySizes[2].max,
      'fit.companySizes[2].max',
      'fit.companySizes[2].max must be a non-negative integer',
    ],
    [
      'size points -101',
      (r) => (r.fit.companySizes[3].points = -101),
      'fit.companySizes[3].points',
      'fit.companySizes[3].points must be an integer from -100 to 100',
    ],
    ['overlapping sizes', (r) => (r.fit.companySizes[1].max = 60), 'fit.companySizes[2]', 'Company size bands overlap'],
    [
      'band after unbounded',
      (r) => r.fit.companySizes.push({ min: 5000, max: 9000, points: 1 }),
      'fit.companySizes[5]',
      'Company size bands overlap',
    ],
    [
      'blank keyword',
      (r) => (r.fit.jobTitleKeywords[0].keyword = ' '),
      'fit.jobTitleKeywords[0].keyword',
      'fit.jobTitleKeywords[0].keyword must be a non-blank string',
    ],
    [
      'punctuation keyword',
      (r) => (r.fit.jobTitleKeywords[0].keyword = '--'),
      'fit.jobTitleKeywords[0].keyword',
      'Keyword must contain a letter or digit',
    ],
    [
      'duplicate keyword',
      (r) => r.fit.jobTitleKeywords.push({ keyword: 'CEO', points: 1 }),
      'fit.jobTitleKeywords[10].keyword',
      'Keyword CEO is listed twice',
    ],
    ['keyword extra key', (r) => (r.fit.jobTitleKeywords[1].weight = 2), 'fit.jobTitleKeywords[1].weight', 'Unknown field weight'],
    [
      'negative budget',
      (r) => (r.fit.budgetPoints[0].minBudget = -1),
      'fit.budgetPoints[0].minBudget',
      'fit.budgetPoints[0].minBudget must be a non-negative number',
    ],
    [
      'duplicate budget',
      (r) => (r.fit.budgetPoints[1].minBudget = 10_000),
      'fit.budgetPoints[1].minBudget',
      'minBudget 10000 is listed twice',
    ],
    [
      'engagement kind missing',
      (r) => delete r.engagement.MEETING,
      'engagement.MEETING',
      'engagement.MEETING must be an integer from -100 to 100',
    ],
    ['engagement typo', (r) => (r.engagement.EMAIL_CLICKS = 3), 'engagement.EMAIL_CLICKS', 'Unknown field EMAIL_CLICKS'],
    [
      'engagement 200',
      (r) => (r.engagement.FORM_FILL = 200),
      'engagement.FORM_FILL',
      'engagement.FORM_FILL must be an integer from -100 to 100',
    ],
  ])('%s', (_name, edit, field, message) => {
    expect(validateScoringRules(rulesWith(edit))).toEqual({ ok: false, field, message });
  });
});
