import { DateTime, JSONScalar, Resolvers } from '@crm/service-kit';
import type { LeadsContext } from './context';
import { contactMutations, contactQueries, contactTypes } from './graph/contacts';
import { settingsMutations, settingsQueries } from './graph/settings';

/** Thin: authorize, parse, call a use case (src/use-cases), map. */
export const resolvers: Resolvers<LeadsContext> = {
  DateTime,
  JSON: JSONScalar,
  Query: { ...contactQueries, ...settingsQueries },
  Mutation: { ...contactMutations, ...settingsMutations },
  ...contactTypes,
} as Resolvers<LeadsContext>;
