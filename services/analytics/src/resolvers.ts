import { authorize, Resolvers } from '@crm/service-kit';
import type { AnalyticsContext } from './service';
import { countsForEveryStage } from './domain/stages';

export const resolvers: Resolvers<AnalyticsContext> = {
  Query: {
    contactsByStage: async (_: unknown, __: unknown, ctx: AnalyticsContext) => {
      authorize(ctx.identity, ['analyst', 'sales', 'marketing', 'support'], 'analytics:read');
      const rows = await ctx.db.query(
        'SELECT stage, count(*)::int AS contacts FROM contact_stages WHERE tenant_id = $1 GROUP BY stage',
        [ctx.tenantId],
      );
      return countsForEveryStage(rows);
    },
  },
};
