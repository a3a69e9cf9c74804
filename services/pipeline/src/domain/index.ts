// Public surface of the pipeline's pure rules.
export type { Ok, FieldError, RuleViolation, Validation, Validated, RuleCheck } from './result';
export type { ForecastCategory, StageDefinition, DealStatus, DealKind, DealState } from './stages';
export {
  FORECAST_CATEGORIES,
  DEAL_STATUSES,
  DEAL_KINDS,
  DEFAULT_PIPELINE_NAME,
  DEFAULT_PIPELINE_STAGES,
  MAX_STAGE_NAME_LENGTH,
  MAX_LOST_REASON_LENGTH,
  validatePipelineStages,
  checkStageMove,
  checkWin,
  checkLose,
  checkReopen,
  canDeleteStage,
} from './stages';
export { MAX_AMOUNT_MINOR_UNITS, DEFAULT_CURRENCY, validateAmount, validateCurrency, weightedAmount } from './money';
export type { ForecastDeal, ForecastGroupBy, ForecastInput, ForecastFigures, ForecastGroup, Forecast } from './forecast';
export {
  FORECAST_GROUP_BYS,
  UNASSIGNED_OWNER_KEY,
  MAX_FORECAST_YEARS,
  isCalendarDate,
  validateForecastInput,
  computeForecast,
} from './forecast';
export type { ActivityKind, ActivityTiming, ActivityInput, ValidActivity } from './activities';
export { ACTIVITY_KINDS, MAX_ACTIVITY_SUBJECT_LENGTH, DUE_SOON_HOURS, validateActivity, activityTiming, isDueWithin } from './activities';
export type { DealFieldsInput, ValidDealFields } from './deals';
export {
  MAX_DEAL_TITLE_LENGTH,
  AUTO_DEAL_TITLE,
  validateDealTitle,
  validateProbability,
  validateCloseDate,
  validateDealFields,
  firstOpenStage,
  wonStage,
  lostStage,
  reopenStage,
  DEFAULT_LOST_REASONS,
  MAX_LOST_REASONS,
  validateLostReasons,
  checkEditable,
} from './deals';
export type { ExistingStage, StageInput, DealReassignment, StagePlan } from './stage-plan';
export { planStageChanges } from './stage-plan';
