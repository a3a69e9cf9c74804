import { DateTime, Resolvers } from '@crm/service-kit';
import type { TicketsContext } from './context';
import { ticketMutations, ticketQueries, ticketTypes } from './graph/tickets';
import { settingsMutations, settingsQueries } from './graph/settings';
import { surveyMutations, surveyTypes } from './graph/surveys';
import { entityTypes } from './graph/entities';

/** Thin: authorize, parse, call a use case (src/use-cases), map. */
export const resolvers: Resolvers<TicketsContext> = {
  DateTime,
  Query: { ...ticketQueries, ...settingsQueries },
  Mutation: { ...ticketMutations, ...settingsMutations, ...surveyMutations },
  ...ticketTypes,
  ...surveyTypes,
  ...entityTypes,
} as Resolvers<TicketsContext>;
