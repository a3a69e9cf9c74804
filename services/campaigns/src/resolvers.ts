import { DateTime, SafeInt, connectionFields } from '@crm/service-kit';
import type { CampaignsContext } from './context';
import type { Resolvers } from './generated/graphql';
import { campaignMutations, campaignQueries, campaignTypes } from './graph/campaigns';
import { segmentMutations, segmentQueries, segmentTypes } from './graph/segments';
import { memberMutations, memberQueries, memberTypes } from './graph/members';
import { entityTypes } from './graph/entities';

/**
 * Thin: authorize, parse, call a use case (src/use-cases), map. Typed by the SDL through the
 * generated Resolvers (src/generated/graphql.ts, scripts/codegen.js): a resolver whose arguments
 * or context disagree with the schema does not compile.
 */
export const resolvers: Resolvers<CampaignsContext> = {
  DateTime,
  SafeInt,
  Query: { ...campaignQueries, ...segmentQueries, ...memberQueries },
  Mutation: { ...campaignMutations, ...segmentMutations, ...memberMutations },
  CampaignConnection: connectionFields,
  CampaignMemberConnection: connectionFields,
  SegmentContactConnection: connectionFields,
  ...campaignTypes,
  ...segmentTypes,
  ...memberTypes,
  ...entityTypes,
};
