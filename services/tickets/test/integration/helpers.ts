import { randomUUID } from 'node:crypto';
import type { Identity } from '@crm/service-kit';
import { eventMessage, TestService } from '@crm/testing';

export const newId = () => randomUUID();

export const SLA = `sla { policyId policyVersion firstResponseMinutes resolutionMinutes firstResponseDueAt firstRespondedAt firstResponseBreached
  resolutionDueAt resolvedAt resolutionBreached breached paused remainingMinutes }`;
export const TICKET = `id subject description status priority channel assigneeId contact { id } createdAt updatedAt
  comments { id body internal authorId fromContact createdAt } ${SLA}`;
export const OPEN = `mutation($input: OpenTicketInput!) { openTicket(input: $input) { ${TICKET} } }`;
export const ASSIGN = `mutation($input: AssignTicketInput!) { assignTicket(input: $input) { ${TICKET} } }`;
export const COMMENT = `mutation($input: AddTicketCommentInput!) { addTicketComment(input: $input) { ${TICKET} } }`;
export const STATUS = `mutation($input: ChangeTicketStatusInput!) { changeTicketStatus(input: $input) { ${TICKET} } }`;
export const SURVEY = `mutation($input: RecordSurveyResponseInput!) { recordSurveyResponse(input: $input) { id kind score comment respondedAt contact { id } ticket { id } } }`;
export const HOURS = `mutation($input: UpdateBusinessHoursInput!) { updateBusinessHours(input: $input) { weekdays opensAt closesAt timeZone holidays } }`;
export const POLICY = `mutation($input: UpdateSlaPolicyInput!) { updateSlaPolicy(input: $input) { id priority firstResponseMinutes resolutionMinutes version } }`;
export const SETTINGS = `mutation($input: UpdateTicketSettingsInput!) { updateTicketSettings(input: $input) { supportAgentIds } }`;

export const ALL_WEEK = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
export const SUPPORT = (tenantId: string): Partial<Identity> => ({ tenantId, userId: 'agent-1', roles: ['support'] });

/** Run an operation that must succeed; returns its one field. */
export async function ok<T = any>(
  svc: TestService,
  query: string,
  input: Record<string, unknown>,
  identity: Partial<Identity>,
): Promise<T> {
  const res = await svc.call(query, { input }, identity);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return Object.values(res.data!)[0] as T;
}

/** The first error's extensions and message (never a 500). */
export async function failure(svc: TestService, query: string, input: Record<string, unknown>, identity: Partial<Identity>) {
  const res = await svc.call(query, { input }, identity);
  expect(res.status).toBeLessThan(500);
  expect(res.errors).toBeDefined();
  return { ...res.errors![0].extensions, message: res.errors![0].message };
}

/** A contact as leads announces it (the replica openTicket checks against). */
export async function knownContact(svc: TestService, tenantId: string, contactId = newId()): Promise<string> {
  await svc.service.consumer.consumeBatch([
    eventMessage('contact.created', tenantId, contactId, { email: `${contactId}@example.com`, lifecycleStage: 'LEAD' }),
  ]);
  return contactId;
}

/** Round-the-clock hours so SLA figures do not depend on when the test runs. */
export async function roundTheClock(svc: TestService, tenantId: string): Promise<void> {
  await ok(svc, HOURS, { weekdays: ALL_WEEK, opensAt: '00:00', closesAt: '24:00', timeZone: 'UTC' }, { tenantId });
}

export async function outbox(
  svc: TestService,
  aggregateId: string,
): Promise<Array<{ event_type: string; data: any; actor: string | null; occurred_at: string }>> {
  return svc.service.db.query(
    `SELECT event_type, payload->'data' AS data, payload->>'actor' AS actor, payload->>'occurredAt' AS occurred_at
       FROM crm_outbox WHERE message_key = $1 ORDER BY seq`,
    [aggregateId],
  );
}

export const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
