import { DateTime, Resolvers, SafeInt } from '@crm/service-kit';
import type { AnalyticsContext } from './context';
import { reportQueries } from './graph/reports';
import { entityTypes } from './graph/entities';
import { adminMutations } from './graph/admin';

/** Thin: authorize, parse, call a use case (src/use-cases), map. */
export const resolvers: Resolvers<AnalyticsContext> = {
  DateTime,
  SafeInt,
  Query: reportQueries,
  Mutation: adminMutations,
  ...entityTypes,
} as Resolvers<AnalyticsContext>;
