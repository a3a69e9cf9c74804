import type { EntityManager } from 'typeorm';
import type { AnyEvent, EventEnvelope } from '@crm/events';
import { isUuid } from '@crm/service-kit';
import { becomesCustomer, replicaChangeFromUpdate, ReplicaProperties } from '../domain';
import { updateReplica, updateReplicas, type ReplicaChange } from './replica';
import { creditReferral } from './referrals';
import { convertMemberships } from './conversions';
import { enrolByRules } from './enrolment';
import { attributeWonDeal } from './attribution';
import { moveMergedMemberships } from './merge';

// What campaigns does with other services' events. Each runs in the consumer's transaction,
// with the (consumer, event_id) row: once per event. Replica changes carry their event time.

const occurred = (e: { occurredAt: string }) => new Date(e.occurredAt);
const contactOf = (e: { aggregateId: string }) => (isUuid(e.aggregateId) ? e.aggregateId.toLowerCase() : null);

/**
 * leads' capture events (three per captured contact), a delivered run at once: every replica
 * change in one set-based write, then, in order, what each change sets off. Nothing of that
 * reads the replica, so it sees what it would have seen event by event.
 */
export async function onCaptureEvents(m: EntityManager, events: AnyEvent[]): Promise<void> {
  const changes = events.flatMap((event) => {
    const change = captureChange(event);
    return change ? [{ event, change }] : [];
  });
  const applied = await updateReplicas(
    m,
    changes.map((c) => c.change),
  );
  for (let i = 0; i < changes.length; i++) await afterCaptureChange(m, changes[i].event, applied[i]);
}

/** What a capture event changes in the replica: contact.created its row, score and stage their property. */
function captureChange(event: AnyEvent): ReplicaChange | null {
  const contactId = contactOf(event);
  if (!contactId) return null;
  const base = { tenantId: event.tenantId, contactId };
  if (event.type === 'contact.created') {
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
    return { ...base, change, at: occurred(event) };
  }
  if (event.type === 'contact.score_changed') return { ...base, change: { score: event.data.score }, at: occurred(event) };
  if (event.type === 'contact.lifecycle_stage_changed') {
    const at = new Date(event.data.at);
    return {
      ...base,
      change: { stage: event.data.to, ...(becomesCustomer(event.data.from, event.data.to) ? { customerSince: at } : {}) },
      at,
    };
  }
  return null;
}

/**
 * What follows a capture event's replica change: a referral credited to the referrer's
 * REFERRAL membership; a new customer converts its earlier memberships (and its referrer's);
 * a stage reached enrols by STAGE_REACHED rules.
 */
async function afterCaptureChange(m: EntityManager, event: AnyEvent, applied: Partial<ReplicaProperties>): Promise<void> {
  const id = contactOf(event)!;
  if (event.type === 'contact.created' && event.data.referrerId)
    await creditReferral(m, event.tenantId, id, event.data.referrerId, occurred(event));
  if (event.type !== 'contact.lifecycle_stage_changed') return;
  if (becomesCustomer(event.data.from, event.data.to))
    await convertMemberships(m, event.tenantId, id, new Date(event.data.at), event.actor ?? null);
  if (applied.stage) await enrolByRules(m, event.tenantId, id, 'STAGE_REACHED', event.data.to, event.actor ?? null);
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
