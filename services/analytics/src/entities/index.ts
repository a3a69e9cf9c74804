import { ContactStage } from './contact-stage';
import { StageInterval } from './stage-interval';
import { CampaignAttribution, CampaignFact, CampaignMemberFact } from './campaign';

export { ContactStage, StageInterval, CampaignAttribution, CampaignFact, CampaignMemberFact };
export const entities = [ContactStage, StageInterval, CampaignFact, CampaignMemberFact, CampaignAttribution];
