import { Campaign, CampaignCost } from './campaign';
import { CampaignMember, CampaignReferral, CampaignResponse } from './member';
import { ContactReplica } from './replica';
import { CampaignAttribution, EnrolmentRule, Segment } from './segment';

export {
  Campaign,
  CampaignCost,
  CampaignMember,
  CampaignReferral,
  CampaignResponse,
  ContactReplica,
  CampaignAttribution,
  EnrolmentRule,
  Segment,
};
export const entities = [
  Campaign,
  CampaignCost,
  CampaignMember,
  CampaignReferral,
  CampaignResponse,
  ContactReplica,
  CampaignAttribution,
  EnrolmentRule,
  Segment,
];
