import type { CampaignMember, EnrolmentRule } from '../entities';
import type { ResponseType } from '../domain';
import type { CampaignsContext } from '../context';
import { Input, write } from './common';
import { awaitKnownContacts } from '../use-cases/replica';
import { addCampaignMembers, AddMembersInput, recordCampaignResponse } from '../use-cases/members';
import { createEnrolmentRule, CreateEnrolmentRuleInput, deleteEnrolmentRule, listEnrolmentRules } from '../use-cases/enrolment';

export const memberQueries = {
  enrolmentRules: (_: unknown, __: unknown, ctx: CampaignsContext) => {
    return listEnrolmentRules(ctx.db.manager, ctx.tenantId);
  },
};

export const memberMutations = {
  addCampaignMembers: async (_: unknown, { input }: Input<AddMembersInput>, ctx: CampaignsContext) => {
    await awaitKnownContacts(ctx.db.manager, ctx.tenantId, input.contactIds);
    return write(ctx, (m, actor) => addCampaignMembers(m, actor, input));
  },
  recordCampaignResponse: (
    _: unknown,
    { input }: Input<{ campaignId: string; contactId: string; type: ResponseType }>,
    ctx: CampaignsContext,
  ) => write(ctx, (m, actor) => recordCampaignResponse(m, actor, input)),
  createEnrolmentRule: (_: unknown, { input }: Input<CreateEnrolmentRuleInput>, ctx: CampaignsContext) =>
    write(ctx, (m, actor) => createEnrolmentRule(m, actor, input)),
  deleteEnrolmentRule: (_: unknown, { input }: Input<{ id: string }>, ctx: CampaignsContext) =>
    write(ctx, (m, actor) => deleteEnrolmentRule(m, actor, input)),
};

const contactRef = (id: string) => ({ __typename: 'Contact', id });

export const memberTypes = {
  CampaignMember: {
    campaign: (cm: CampaignMember, _: unknown, ctx: CampaignsContext) => ctx.loaders.campaign.load(cm.campaignId),
    contact: (cm: CampaignMember) => contactRef(cm.contactId),
  },
  EnrolmentRule: {
    campaign: (r: EnrolmentRule, _: unknown, ctx: CampaignsContext) => ctx.loaders.campaign.load(r.campaignId),
  },
};
