import type { SurveyResponse } from '../entities';
import type { TicketsContext } from '../context';
import { Input, write } from './common';
import { awaitKnownContact } from '../use-cases/contacts';
import { recordSurveyResponse, RecordSurveyResponseInput } from '../use-cases/surveys';

export const surveyMutations = {
  recordSurveyResponse: async (_: unknown, { input }: Input<RecordSurveyResponseInput>, ctx: TicketsContext) => {
    await awaitKnownContact(ctx.db.manager, ctx.tenantId, input.contactId);
    return write(ctx, (m, actor, now) => recordSurveyResponse(m, actor, input, now));
  },
};

export const surveyTypes = {
  SurveyResponse: {
    contact: (s: SurveyResponse) => ({ __typename: 'Contact', id: s.contactId }),
    ticket: (s: SurveyResponse, _: unknown, ctx: TicketsContext) => (s.ticketId ? ctx.loaders.ticket.load(s.ticketId) : null),
  },
};
