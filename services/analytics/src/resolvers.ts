import { DateTime, SafeInt } from '@crm/service-kit';
import type { AnalyticsContext } from './context';
import type { Resolvers } from './generated/graphql';
import { reportQueries } from './graph/reports';
import { entityTypes } from './graph/entities';
import { adminMutations } from './graph/admin';

/**
 * Thin: authorize, parse, call a use case (src/use-cases), map. Typed by the SDL through the
 * generated Resolvers (src/generated/graphql.ts, scripts/codegen.js): a resolver whose arguments
 * or context disagree with the schema does not compile.
 */
export const resolvers: Resolvers<AnalyticsContext> = {
  DateTime,
  SafeInt,
  Query: reportQueries,
  Mutation: adminMutations,
  ...entityTypes,
};
