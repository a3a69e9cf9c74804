import { ConnectionInfo, PageArgs, pageArgs, requireUuid } from '@crm/service-kit';
import { tenantRepository } from '@crm/service-kit';
import type { Campaign } from '../entities';
import { CampaignCost } from '../entities';
import { AttributionModel, campaignRoi, CampaignStatus, MemberStatus } from '../domain';
import type { CampaignsContext } from '../context';
import { Input, write } from './common';
import { changeCampaignStatus, createCampaign, CreateCampaignInput, recordCampaignCost } from '../use-cases/campaigns';
import { CampaignFilter, listCampaigns, listMembers } from '../use-cases/campaign-queries';

export const campaignQueries = {
  campaign: (_: unknown, args: { id: string }, ctx: CampaignsContext) => {
    return ctx.loaders.campaign.load(requireUuid(args.id, 'id'));
  },
  campaigns: (_: unknown, args: { filter?: CampaignFilter | null } & PageArgs, ctx: CampaignsContext, info: ConnectionInfo) => {
    return listCampaigns(ctx.db.manager, ctx.tenantId, args.filter ?? {}, pageArgs(args, info));
  },
};

const move =
  (to: CampaignStatus) =>
  (_: unknown, { input }: Input<{ campaignId: string }>, ctx: CampaignsContext) =>
    write(ctx, (m, actor) => changeCampaignStatus(m, actor, input.campaignId, to));

export const campaignMutations = {
  createCampaign: (_: unknown, { input }: Input<CreateCampaignInput>, ctx: CampaignsContext) =>
    write(ctx, (m, actor) => createCampaign(m, actor, input)),
  launchCampaign: move('ACTIVE'),
  pauseCampaign: move('PAUSED'),
  completeCampaign: move('COMPLETED'),
  cancelCampaign: move('CANCELLED'),
  recordCampaignCost: (_: unknown, { input }: Input<{ campaignId: string; amount: number; note?: string | null }>, ctx: CampaignsContext) =>
    write(ctx, (m, actor) => recordCampaignCost(m, actor, input)),
};

const revenueOf = async (c: Campaign, model: AttributionModel | null | undefined, ctx: CampaignsContext) =>
  (await ctx.loaders.revenue.load(c.id))[model ?? 'LINEAR'];

export const campaignTypes = {
  Campaign: {
    __resolveReference: (ref: { id: string }, ctx: CampaignsContext) => {
      return ctx.loaders.campaign.load(ref.id);
    },
    members: (c: Campaign, args: PageArgs & { status?: MemberStatus | null }, ctx: CampaignsContext, info: ConnectionInfo) =>
      listMembers(ctx.db.manager, ctx.tenantId, c.id, args.status, pageArgs(args, info)),
    stats: (c: Campaign, _: unknown, ctx: CampaignsContext) => ctx.loaders.stats.load(c.id),
    influencedRevenue: (c: Campaign, args: { model?: AttributionModel | null }, ctx: CampaignsContext) => revenueOf(c, args.model, ctx),
    roi: async (c: Campaign, args: { model?: AttributionModel | null }, ctx: CampaignsContext) =>
      campaignRoi(await revenueOf(c, args.model, ctx), c.actualCost),
    costs: (c: Campaign, _: unknown, ctx: CampaignsContext) =>
      tenantRepository(ctx.db.manager, CampaignCost, ctx.tenantId).find({
        where: { campaignId: c.id },
        order: { recordedAt: 'DESC', id: 'DESC' },
      }),
  },
};
