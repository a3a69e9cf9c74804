import * as domain from '../../src/domain';

describe('domain index', () => {
  it('re-exports exactly the public runtime names', () => {
    expect(Object.keys(domain).sort()).toEqual([
      'DEFAULT_SCORING_RULES',
      'ENGAGEMENT_KINDS',
      'FREE_MAIL_DOMAINS',
      'LIFECYCLE_STAGES',
      'MAX_SCORE',
      'checkTransition',
      'domainFromEmail',
      'engagementScore',
      'fitScore',
      'isCustomerStage',
      'isEmptyValue',
      'isLifecycleStage',
      'isPreCustomer',
      'isRepeatPurchase',
      'mergeContactFields',
      'mergeDuplicateInto',
      'normaliseDomain',
      'normaliseEmail',
      'normaliseName',
      'onCampaignResponse',
      'onDealCreated',
      'onDealLost',
      'onDealWon',
      'onNpsResponse',
      'onScoreChanged',
      'pickOwner',
      'scoreContact',
      'shouldChurn',
      'validateScoringRules',
    ]);
  });

  it('wires the scoring defaults to the validator', () => {
    expect(domain.validateScoringRules(domain.DEFAULT_SCORING_RULES)).toEqual({ ok: true, rules: domain.DEFAULT_SCORING_RULES });
  });
});
