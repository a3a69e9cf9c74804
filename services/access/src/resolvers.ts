import { DateTime, Resolvers } from '@crm/service-kit';
import type { AccessContext } from './context';
import { apiKeyMutations, apiKeyQueries } from './graph/api-keys';

/** Thin: parse, call a use case (src/use-cases), map; the role matrix is the SDL's @access. */
export const resolvers: Resolvers<AccessContext> = {
  DateTime,
  Query: { ...apiKeyQueries },
  Mutation: { ...apiKeyMutations },
} as Resolvers<AccessContext>;
