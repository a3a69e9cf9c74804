import { isUuid } from '@crm/service-kit';
import type { AnalyticsContext } from '../context';
import { campaignPerformance, journeyOf } from '../domain/journey';
import type { AttributionModel } from '../domain/attribution';

type Ref = { id: string };

/** Contact.journey and Campaign.performance: fields analytics adds to other services' entities. */
export const entityTypes = {
  Contact: {
    __resolveReference: (ref: Ref) => ref,
    journey: async (ref: Ref, _: unknown, ctx: AnalyticsContext) => {
      if (!isUuid(ref.id)) return null;
      return journeyOf(await ctx.loaders.stays.load(ref.id), new Date());
    },
  },
  Campaign: {
    __resolveReference: (ref: Ref) => ref,
    performance: async (ref: Ref, { model }: { model: AttributionModel }, ctx: AnalyticsContext) => {
      if (!isUuid(ref.id)) return null;
      const data = await ctx.loaders.campaign.load(ref.id);
      return campaignPerformance(
        data.counts,
        data.attributions,
        { currency: data.fact?.currency ?? null, actualCost: data.fact?.actualCost ?? 0 },
        model,
      );
    },
  },
};
