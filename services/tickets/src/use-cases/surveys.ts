import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { badInput, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { SurveyResponse, Ticket } from '../entities';
import { SurveyKind, validateSurvey } from '../domain';
import { resolveContact } from './contacts';

export interface RecordSurveyResponseInput {
  contactId: string;
  ticketId?: string | null;
  kind: SurveyKind;
  score: number;
  comment?: string | null;
}

/**
 * recordSurveyResponse: NPS 0-10 or CSAT 1-5 for a known contact, optionally about one of that
 * contact's tickets (another contact's or tenant's ticket is BAD_USER_INPUT on ticketId).
 * Emits survey.responded (leads turns NPS into PROMOTER / churn risk).
 */
export async function recordSurveyResponse(
  m: EntityManager,
  actor: Actor,
  input: RecordSurveyResponseInput,
  now: Date,
): Promise<SurveyResponse> {
  const { kind, score, comment } = validateSurvey(input);
  const contactId = await resolveContact(m, actor.tenantId, input.contactId);
  let ticketId: string | null = null;
  if (input.ticketId !== undefined && input.ticketId !== null) {
    ticketId = requireUuid(input.ticketId, 'ticketId');
    const ticket = await tenantRepository(m, Ticket, actor.tenantId).findOne({ id: ticketId });
    if (!ticket || ticket.contactId !== contactId) throw badInput('ticketId', 'ticketId must be a ticket of the same contact');
  }
  const responses = tenantRepository(m, SurveyResponse, actor.tenantId);
  const saved = await responses.save(responses.create({ contactId, ticketId, kind, score, comment, respondedAt: now }));
  await emit(m, {
    type: 'survey.responded',
    tenantId: actor.tenantId,
    aggregateId: saved.id,
    actor: actor.userId,
    occurredAt: now,
    data: { contactId, kind, score, ticketId, respondedAt: now.toISOString() },
  });
  return saved;
}
