import * as domain from '../../src/domain';

describe('domain index', () => {
  it('re-exports the public rules', () => {
    const functions = [
      'validatePipelineStages',
      'checkStageMove',
      'checkWin',
      'checkLose',
      'checkReopen',
      'canDeleteStage',
      'validateAmount',
      'validateCurrency',
      'weightedAmount',
      'computeForecast',
      'validateForecastInput',
      'isCalendarDate',
      'validateActivity',
      'activityTiming',
      'isDueWithin',
      'validateDealTitle',
      'validateProbability',
      'validateCloseDate',
      'validateDealFields',
      'firstOpenStage',
      'wonStage',
      'lostStage',
      'reopenStage',
      'validateLostReasons',
      'checkEditable',
      'planStageChanges',
    ] as const;
    expect(functions.filter((name) => typeof domain[name] !== 'function')).toEqual([]);
    expect(domain.DEFAULT_PIPELINE_STAGES).toHaveLength(6);
    expect(domain.DEFAULT_PIPELINE_NAME).toBe('Sales');
    expect(domain.DEAL_KINDS).toEqual(['NEW_BUSINESS', 'UPSELL', 'CROSS_SELL', 'RENEWAL']);
    expect(domain.DEAL_STATUSES).toEqual(['OPEN', 'WON', 'LOST']);
    expect(domain.FORECAST_CATEGORIES).toEqual(['PIPELINE', 'BEST_CASE', 'COMMIT', 'CLOSED', 'OMITTED']);
    expect(domain.FORECAST_GROUP_BYS).toEqual(['MONTH', 'OWNER', 'STAGE']);
    expect(domain.AUTO_DEAL_TITLE).toBe('New opportunity');
    expect(domain.DEFAULT_LOST_REASONS).toContain('Price');
    expect(domain.ACTIVITY_KINDS).toEqual(['TASK', 'CALL', 'MEETING', 'EMAIL', 'NOTE']);
  });
});
