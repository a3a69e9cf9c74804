import { DateTime, JSONScalar, connectionFields } from '@crm/service-kit';
import type { LeadsContext } from './context';
import type { Resolvers } from './generated/graphql';
import { contactMutations, contactQueries, contactTypes } from './graph/contacts';
import { settingsMutations, settingsQueries } from './graph/settings';

/**
 * Thin: authorize, parse, call a use case (src/use-cases), map. Typed by the SDL through the
 * generated Resolvers (src/generated/graphql.ts, scripts/codegen.js): a resolver whose arguments
 * or context disagree with the schema does not compile.
 */
export const resolvers: Resolvers<LeadsContext> = {
  DateTime,
  JSON: JSONScalar,
  Query: { ...contactQueries, ...settingsQueries },
  Mutation: { ...contactMutations, ...settingsMutations },
  ContactConnection: connectionFields,
  ...contactTypes,
};
