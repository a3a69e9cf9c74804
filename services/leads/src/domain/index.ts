// Public surface of the leads domain rules (pure; safe to import anywhere).

export {
  LIFECYCLE_STAGES,
  checkTransition,
  isCustomerStage,
  isLifecycleStage,
  isPreCustomer,
  isRepeatPurchase,
  onCampaignResponse,
  onDealCreated,
  onDealLost,
  onDealWon,
  onNpsResponse,
  onScoreChanged,
  shouldChurn,
} from './lifecycle';
export type {
  ChurnCheckInput,
  LifecycleStage,
  NpsDecision,
  StageChangeSource,
  StageMove,
  TransitionErrorCode,
  TransitionKind,
  TransitionVerdict,
} from './lifecycle';

export { DEFAULT_SCORING_RULES, ENGAGEMENT_KINDS, MAX_SCORE, engagementScore, fitScore, scoreContact } from './scoring';
export type { CompanySizeBand, ContactProfile, EngagementEvent, EngagementKind, ScorePart, ScoringRules } from './scoring';
export { validateScoringRules } from './scoring-validation';
export type { ScoringRulesValidation } from './scoring-validation';

export {
  FREE_MAIL_DOMAINS,
  domainFromEmail,
  isEmptyValue,
  mergeContactFields,
  mergeDuplicateInto,
  normaliseDomain,
  normaliseEmail,
  normaliseName,
} from './dedupe';
export type { EmailResult, MergeResult } from './dedupe';

export { pickOwner } from './assignment';
export type { AssignmentContact, AssignmentRule, OwnerPick } from './assignment';
