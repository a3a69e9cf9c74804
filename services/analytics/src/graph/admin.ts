import { authorize, conflict } from '@crm/service-kit';
import type { AnalyticsContext } from '../context';

/** rebuildAnalytics: admins only (partner keys need analytics:admin). */
export const adminMutations = {
  rebuildAnalytics: async (_: unknown, __: unknown, ctx: AnalyticsContext) => {
    authorize(ctx.identity, [], 'analytics:admin');
    if (!ctx.rebuild) throw conflict('No event history is configured for rebuilding the read models');
    return ctx.rebuild();
  },
};
