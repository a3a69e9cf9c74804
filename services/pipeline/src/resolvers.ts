import { DateTime, Resolvers, SafeInt } from '@crm/service-kit';
import type { PipelineContext } from './context';
import { pipelineMutations, pipelineQueries, pipelineTypes } from './graph/pipelines';
import { dealMutations, dealQueries, dealTypes } from './graph/deals';
import { activityMutations, activityQueries, activityTypes } from './graph/activities';
import { entityTypes } from './graph/entities';

/** Thin: authorize, parse, call a use case (src/use-cases), map. */
export const resolvers: Resolvers<PipelineContext> = {
  DateTime,
  SafeInt,
  Query: { ...pipelineQueries, ...dealQueries, ...activityQueries },
  Mutation: { ...pipelineMutations, ...dealMutations, ...activityMutations },
  ...pipelineTypes,
  ...dealTypes,
  ...activityTypes,
  ...entityTypes,
} as Resolvers<PipelineContext>;
