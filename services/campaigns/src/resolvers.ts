import { DateTime, Resolvers, SafeInt } from '@crm/service-kit';
import type { CampaignsContext } from './context';
import { campaignMutations, campaignQueries, campaignTypes } from './graph/campaigns';
import { segmentMutations, segmentQueries, segmentTypes } from './graph/segments';
import { memberMutations, memberQueries, memberTypes } from './graph/members';
import { entityTypes } from './graph/entities';

/** Thin: authorize, parse, call a use case (src/use-cases), map. */
export const resolvers: Resolvers<CampaignsContext> = {
  DateTime,
  SafeInt,
  Query: { ...campaignQueries, ...segmentQueries, ...memberQueries },
  Mutation: { ...campaignMutations, ...segmentMutations, ...memberMutations },
  ...campaignTypes,
  ...segmentTypes,
  ...memberTypes,
  ...entityTypes,
} as Resolvers<CampaignsContext>;
