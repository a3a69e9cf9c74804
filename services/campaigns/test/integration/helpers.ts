import { randomUUID } from 'node:crypto';
import type { EventData, EventType } from '@crm/events';
import type { Identity } from '@crm/service-kit';
import { eventMessage, TestService } from '@crm/testing';

export const CAMPAIGN_FIELDS = `id name kind channel status budget actualCost currency startsAt endsAt
  stats { members sent opened clicked responded converted }`;
export const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { ${CAMPAIGN_FIELDS} } }`;
export const LAUNCH = `mutation($input: LaunchCampaignInput!) { launchCampaign(input: $input) { ${CAMPAIGN_FIELDS} } }`;
export const PAUSE = `mutation($input: PauseCampaignInput!) { pauseCampaign(input: $input) { ${CAMPAIGN_FIELDS} } }`;
export const COMPLETE = `mutation($input: CompleteCampaignInput!) { completeCampaign(input: $input) { ${CAMPAIGN_FIELDS} } }`;
export const CANCEL = `mutation($input: CancelCampaignInput!) { cancelCampaign(input: $input) { ${CAMPAIGN_FIELDS} } }`;
export const COST = `mutation($input: RecordCampaignCostInput!) { recordCampaignCost(input: $input) { ${CAMPAIGN_FIELDS} costs { amount note recordedBy } } }`;
export const ADD = `mutation($input: AddCampaignMembersInput!) { addCampaignMembers(input: $input) { ${CAMPAIGN_FIELDS} } }`;
export const RESPOND = `mutation($input: RecordCampaignResponseInput!) { recordCampaignResponse(input: $input) {
  id status addedAt openedAt clickedAt respondedAt convertedAt contact { id } campaign { id } } }`;
export const SEGMENT = `mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id name rules { stages minScore industries lastPurchaseBefore } contactCount } }`;

export const as = (tenantId: string, roles: Identity['roles'] = ['marketing']): Partial<Identity> => ({
  tenantId,
  roles,
  userId: `u-${tenantId}`,
});

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

/** The first error's extensions (and its message). */
export async function failure(
  svc: TestService,
  query: string,
  input: Record<string, unknown>,
  identity: Partial<Identity>,
): Promise<Record<string, any>> {
  const res = await svc.call(query, { input }, identity);
  expect(res.status).toBeLessThan(500);
  expect(res.errors).toBeDefined();
  return { ...res.errors![0].extensions, message: res.errors![0].message };
}

/** Deliver events as the transport would (the same message twice = a redelivery). */
export async function deliver(svc: TestService, ...messages: ReturnType<typeof eventMessage>[]): Promise<void> {
  await svc.service.consumer.consumeBatch(messages);
}

export const message = <T extends EventType>(type: T, tenantId: string, aggregateId: string, data: EventData<T>, occurredAt = new Date()) =>
  eventMessage(type, tenantId, aggregateId, data, { occurredAt });

export interface ContactSeed {
  stage?: EventData<'contact.created'>['lifecycleStage'];
  score?: number;
  industry?: string | null;
  companySize?: number | null;
  source?: string | null;
  ownerId?: string | null;
  referrerId?: string | null;
  createdAt?: Date;
}

/** A contact as leads announces it (contact.created); returns its id. */
export async function seedContact(svc: TestService, tenantId: string, seed: ContactSeed = {}): Promise<string> {
  const id = randomUUID();
  await deliver(
    svc,
    message(
      'contact.created',
      tenantId,
      id,
      {
        email: `${id}@example.com`,
        lifecycleStage: seed.stage ?? 'LEAD',
        source: seed.source ?? 'api',
        ownerId: seed.ownerId ?? null,
        industry: seed.industry ?? null,
        companySize: seed.companySize ?? null,
        score: seed.score ?? 0,
        referrerId: seed.referrerId ?? null,
        firstName: null,
        lastName: null,
        companyId: null,
      },
      seed.createdAt ?? new Date(),
    ),
  );
  return id;
}

export async function outbox(svc: TestService, type: string): Promise<Array<{ key: string; data: any; occurredAt: string }>> {
  return svc.service.db.query(
    `SELECT message_key AS key, payload->'data' AS data, payload->>'occurredAt' AS "occurredAt" FROM crm_outbox
      WHERE event_type = $1 ORDER BY seq`,
    [type],
  );
}

export async function replicaOf(svc: TestService, tenantId: string, id: string) {
  const [row] = await svc.service.db.query('SELECT * FROM contact_replicas WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return row;
}

/** A campaign created and launched (ACTIVE). */
export async function activeCampaign(svc: TestService, tenantId: string, input: Record<string, unknown> = {}): Promise<{ id: string }> {
  const c = await ok(svc, CREATE, { name: 'Campaign', kind: 'NURTURE', channel: 'EMAIL', ...input }, as(tenantId));
  await ok(svc, LAUNCH, { campaignId: c.id }, as(tenantId));
  return c;
}
