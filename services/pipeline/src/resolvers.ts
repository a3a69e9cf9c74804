import { DateTime, SafeInt, connectionFields } from '@crm/service-kit';
import type { PipelineContext } from './context';
import type { Resolvers } from './generated/graphql';
import { pipelineMutations, pipelineQueries, pipelineTypes } from './graph/pipelines';
import { dealMutations, dealQueries, dealTypes } from './graph/deals';
import { activityMutations, activityQueries, activityTypes } from './graph/activities';
import { entityTypes } from './graph/entities';

/**
 * Thin: authorize, parse, call a use case (src/use-cases), map. Typed by the SDL through the
 * generated Resolvers (src/generated/graphql.ts, scripts/codegen.js): a resolver whose arguments
 * or context disagree with the schema does not compile.
 */
export const resolvers: Resolvers<PipelineContext> = {
  DateTime,
  SafeInt,
  Query: { ...pipelineQueries, ...dealQueries, ...activityQueries },
  Mutation: { ...pipelineMutations, ...dealMutations, ...activityMutations },
  ActivityConnection: connectionFields,
  ...pipelineTypes,
  ...dealTypes,
  ...activityTypes,
  ...entityTypes,
};
