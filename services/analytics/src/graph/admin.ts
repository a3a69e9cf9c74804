import { conflict } from '@crm/service-kit';
import type { AnalyticsContext } from '../context';

/** rebuildAnalytics: admins only (@access in the SDL). */
export const adminMutations = {
  rebuildAnalytics: async (_: unknown, __: unknown, ctx: AnalyticsContext) => {
    if (!ctx.rebuild) throw conflict('No event history is configured for rebuilding the read models');
    return ctx.rebuild();
  },
};
