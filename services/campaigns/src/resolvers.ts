import { authorize, DateTime, paginate, requireUuid, Resolvers, tenantRepository } from '@crm/service-kit';
import type { CampaignsContext } from './service';
import { Campaign } from './entities';

export const resolvers: Resolvers<CampaignsContext> = {
  DateTime,
  Query: {
    campaigns: (_: unknown, args: { first?: number; after?: string }, ctx: CampaignsContext) => {
      authorize(ctx.identity, ['marketing', 'analyst'], 'campaigns:read');
      return paginate(tenantRepository(ctx.db.manager, Campaign, ctx.tenantId).query('c'), 'c', args);
    },
  },
  Campaign: {
    __resolveReference: (ref: { id: string }, ctx: CampaignsContext) =>
      tenantRepository(ctx.db.manager, Campaign, ctx.tenantId).findOne({ id: requireUuid(ref.id, 'id') }),
  },
};
