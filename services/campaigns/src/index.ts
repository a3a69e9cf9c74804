export { createService, campaignsService } from './service';
export { registerHandlers } from './events';
// What the composition root's demo seed (stack/src/seed) drives in-process.
export { createCampaign, changeCampaignStatus, recordCampaignCost } from './use-cases/campaigns';
export { addCampaignMembers, recordCampaignResponse, MAX_CONTACT_IDS } from './use-cases/members';
