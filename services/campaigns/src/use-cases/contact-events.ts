import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@crm/events';
import { isUuid } from '@crm/service-kit';
import { becomesCustomer, replicaChangeFromUpdate, ReplicaProperties } from '../domain';
import { updateReplica } from './replica';
import { creditReferral } from './referrals';
import { convertMemberships } from './conversions';
import { enrolByRules } from './enrolment';
import { attributeWonDeal } from './attribution';
import { moveMergedMemberships } from './merge';

// What campaigns does with other services' events. Each runs in the consumer's transaction,
// with the (consumer, event_id) row: once per event. Replica changes carry their event time.

const occurred = (e: { occurredAt: string }) => new Date(e.occurredAt);
const contactOf = (e: { aggregateId: string }) => (isUuid(e.aggregateId) ? e.aggregateId.toLowerCase() : null);

/** contact.created: the replica row, and the referral credited to the referrer's REFERRAL membership. */
export async function onContactCreated(m: EntityManager, event: EventEnvelope<'contact.created'>): Promise<void> {
  const id = contactOf(event);
  if (!id) return;
  const d = event.data;
  const change: Partial<ReplicaProperties> = {
    stage: d.lifecycleStage,
    source: d.source?.toLowerCase() ?? null,
    ownerId: d.ownerId ?? null,
    industry: d.industry ?? null,
    companySize: d.companySize ?? null,
    score: d.score ?? 0,
    referrerId: d.referrerId ?? null,
    createdAt: occurred(event),
  };
  await updateReplica(m, event.tenantId, id, change, occurred(event));
  if (d.referrerId) await creditReferral(m, event.tenantId, id, d.referrerId, occurred(event));
}

/** contact.updated: the replicated fields it carries; churn risk raised enrols by CHURN_RISK rules. */
export async function onContactUpdated(m: EntityManager, event: EventEnvelope<'contact.updated'>): Promise<void> {
  const id = contactOf(event);
  if (!id) return;
  const applied = await updateReplica(
    m,
    event.tenantId,
    id,
    replicaChangeFromUpdate(event.data.changedFields, event.data.values),
    occurred(event),
  );
  if (applied.churnRisk === true) await enrolByRules(m, event.tenantId, id, 'CHURN_RISK', null, event.actor ?? null);
}

export async function onScoreChanged(m: EntityManager, event: EventEnvelope<'contact.score_changed'>): Promise<void> {
  const id = contactOf(event);
  if (id) await updateReplica(m, event.tenantId, id, { score: event.data.score }, occurred(event));
}

/**
 * contact.lifecycle_stage_changed: the stage (and customerSince when it becomes a customer);
 * a new customer converts its earlier memberships and its referrer's; STAGE_REACHED rules enrol.
 */
export async function onStageChanged(m: EntityManager, event: EventEnvelope<'contact.lifecycle_stage_changed'>): Promise<void> {
  const id = contactOf(event);
  if (!id) return;
  const at = new Date(event.data.at);
  const customer = becomesCustomer(event.data.from, event.data.to);
  const applied = await updateReplica(m, event.tenantId, id, { stage: event.data.to, ...(customer ? { customerSince: at } : {}) }, at);
  if (customer) await convertMemberships(m, event.tenantId, id, at, event.actor ?? null);
  if (applied.stage) await enrolByRules(m, event.tenantId, id, 'STAGE_REACHED', event.data.to, event.actor ?? null);
}

/** deal.won: last purchase, attribution of the amount, DEAL_WON rules. */
export async function onDealWon(m: EntityManager, event: EventEnvelope<'deal.won'>): Promise<void> {
  const contactId = event.data.contactId.toLowerCase();
  const closedAt = new Date(event.data.closedAt);
  await updateReplica(m, event.tenantId, contactId, { lastPurchaseAt: closedAt }, closedAt);
  await attributeWonDeal(m, event);
  await enrolByRules(m, event.tenantId, contactId, 'DEAL_WON', null, event.actor ?? null);
}

export async function onContactMerged(m: EntityManager, event: EventEnvelope<'contact.merged'>): Promise<void> {
  await moveMergedMemberships(m, event.tenantId, event.data.primaryId.toLowerCase(), event.data.duplicateId.toLowerCase());
}
