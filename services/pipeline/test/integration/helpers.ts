import { randomUUID } from 'node:crypto';
import { buildEvent, EventData, EventType, topicOf, sourceOf } from '@crm/events';
import type { Identity } from '@crm/service-kit';
import { eventMessage, type TestService } from '@crm/testing';

export const DEAL_FIELDS = `id title amount currency probability weightedAmount status kind ownerId expectedCloseDate closedAt lostReason
  stage { id name probability } pipeline { id name } contact { id } company { id }
  history { from { id name } to { id name } amount currency probability actor }`;

export const CREATE_DEAL = `mutation($input: CreateDealInput!) { createDeal(input: $input) { ${DEAL_FIELDS} } }`;
export const MOVE = `mutation($input: MoveDealStageInput!) { moveDealStage(input: $input) { ${DEAL_FIELDS} } }`;
export const WIN = `mutation($input: WinDealInput!) { winDeal(input: $input) { ${DEAL_FIELDS} } }`;
export const LOSE = `mutation($input: LoseDealInput!) { loseDeal(input: $input) { ${DEAL_FIELDS} } }`;
export const REOPEN = `mutation($input: ReopenDealInput!) { reopenDeal(input: $input) { ${DEAL_FIELDS} } }`;
export const UPDATE = `mutation($input: UpdateDealInput!) { updateDeal(input: $input) { ${DEAL_FIELDS} } }`;
export const PIPELINES = `{ pipelines { id name isDefault stages { id name order probability forecastCategory isWon isLost } } }`;

export interface Stage {
  id: string;
  name: string;
  order: number;
  probability: number;
  forecastCategory: string;
  isWon: boolean;
  isLost: boolean;
}
export interface PipelineView {
  id: string;
  name: string;
  isDefault: boolean;
  stages: Stage[];
}

export async function pipelinesOf(svc: TestService, tenantId: string): Promise<PipelineView[]> {
  const res = await svc.call<{ pipelines: PipelineView[] }>(PIPELINES, {}, { tenantId });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.pipelines;
}

/** The default pipeline's stages by name. */
export async function defaultStages(svc: TestService, tenantId: string): Promise<Record<string, Stage>> {
  const [p] = await pipelinesOf(svc, tenantId);
  return Object.fromEntries(p.stages.map((s) => [s.name, s]));
}

/** Run a mutation that must succeed; returns its one field. */
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

/** The first error's extensions (and that no data came back). */
export async function failure(svc: TestService, query: string, input: Record<string, unknown>, identity: Partial<Identity>) {
  const res = await svc.call(query, { input }, identity);
  expect(res.status).toBeLessThan(500);
  expect(res.errors).toBeDefined();
  return { ...res.errors![0].extensions, message: res.errors![0].message };
}

export async function outbox(
  svc: TestService,
  aggregateId: string,
): Promise<Array<{ event_type: string; data: any; actor: string | null }>> {
  return svc.service.db.query(
    `SELECT event_type, payload->'data' AS data, payload->>'actor' AS actor FROM crm_outbox WHERE message_key = $1 ORDER BY seq`,
    [aggregateId],
  );
}

/** Deliver an event as leads would publish it (the same message twice = a redelivery). */
export function leadsMessage<T extends EventType>(
  type: T,
  tenantId: string,
  aggregateId: string,
  data: EventData<T>,
  actor: string | null = null,
) {
  const event = buildEvent({ type, tenantId, aggregateId, data, actor });
  return {
    event,
    message: {
      topic: topicOf(sourceOf(type)),
      key: aggregateId,
      value: JSON.stringify(event),
      headers: { 'event-id': event.id, 'event-type': type },
    },
  };
}

export const newId = () => randomUUID();

/**
 * A contact pipeline knows, the way it learns of one in production: leads' contact.created,
 * fed to the consumer. Deals and activities may only point at such contacts (else NOT_FOUND).
 */
export async function knownContact(svc: TestService, identity: Partial<Identity> | string = {}, id = newId()): Promise<string> {
  const tenantId = typeof identity === 'string' ? identity : (identity.tenantId ?? 'tenant-a');
  await svc.service.consumer.consumeBatch([
    eventMessage('contact.created', tenantId, id, { email: `${id.slice(0, 8)}@contacts.example`, lifecycleStage: 'LEAD' }),
  ]);
  return id;
}
