import { DateTime, connectionFields } from '@crm/service-kit';
import type { TicketsContext } from './context';
import type { Resolvers } from './generated/graphql';
import { ticketMutations, ticketQueries, ticketTypes } from './graph/tickets';
import { settingsMutations, settingsQueries } from './graph/settings';
import { surveyMutations, surveyTypes } from './graph/surveys';
import { entityTypes } from './graph/entities';

/**
 * Thin: authorize, parse, call a use case (src/use-cases), map. Typed by the SDL through the
 * generated Resolvers (src/generated/graphql.ts, scripts/codegen.js): a resolver whose arguments
 * or context disagree with the schema does not compile.
 */
export const resolvers: Resolvers<TicketsContext> = {
  DateTime,
  Query: { ...ticketQueries, ...settingsQueries },
  Mutation: { ...ticketMutations, ...settingsMutations, ...surveyMutations },
  TicketConnection: connectionFields,
  ...ticketTypes,
  ...surveyTypes,
  ...entityTypes,
};
