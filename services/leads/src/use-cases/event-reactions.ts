import type { EntityManager } from 'typeorm';
import { emit, type EventEnvelope } from '@crm/events';
import type { Actor } from '@crm/service-kit';
import { Contact } from '../entities';
import {
  isRepeatPurchase,
  LifecycleStage,
  onCampaignResponse,
  onDealCreated,
  onDealLost,
  onDealWon,
  onNpsResponse,
  StageMove,
} from '../domain/lifecycle';
import type { EngagementKind } from '../domain/scoring';
import { openDealCount, trackDeal } from './contact-records';
import { applyStageMove, findContactForUpdate, saveLockedContact } from './lifecycle';
import { addEngagement } from './scoring';
import { loadSettings } from './settings';

// leads reacts to the rest of the lifecycle (the README's lifecycle rules): deals, surveys, campaigns, activities.
// Each reaction runs in the consumer's transaction (applied once per event), locks the contact,
// and moves it only through the stage machine (source EVENT).

const actorOf = (event: { tenantId: string; actor?: string | null }): Actor => ({ tenantId: event.tenantId, userId: event.actor ?? null });
const stageOf = (c: Contact) => c.lifecycleStage as LifecycleStage;

/** A reaction's stage change happened when its event did. */
async function move(m: EntityManager, actor: Actor, contact: Contact, decision: StageMove | null, at: Date): Promise<Contact> {
  return decision ? applyStageMove(m, actor, contact, decision, 'EVENT', at) : contact;
}

export async function reactToDealCreated(m: EntityManager, event: EventEnvelope<'deal.created'>) {
  await trackDeal(m, event.tenantId, event.aggregateId, event.data.contactId, 'OPEN');
  const contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
  if (!contact) return; // a deal for a contact leads does not know (deleted or merged away)
  await move(m, actorOf(event), contact, onDealCreated(stageOf(contact)), new Date(event.occurredAt));
}

export async function reactToDealWon(m: EntityManager, event: EventEnvelope<'deal.won'>) {
  await trackDeal(m, event.tenantId, event.aggregateId, event.data.contactId, 'WON');
  let contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
  if (!contact) return;
  const closedAt = new Date(event.data.closedAt);
  const changes: Partial<Contact> = {};
  if (isRepeatPurchase(stageOf(contact))) changes.repeatPurchases = contact.repeatPurchases + 1;
  if (!contact.lastPurchaseAt || contact.lastPurchaseAt < closedAt) changes.lastPurchaseAt = closedAt;
  if (Object.keys(changes).length) contact = await saveLockedContact(m, contact, changes);
  await move(m, actorOf(event), contact, onDealWon(stageOf(contact)), new Date(event.occurredAt));
}

export async function reactToDealLost(m: EntityManager, event: EventEnvelope<'deal.lost'>) {
  await trackDeal(m, event.tenantId, event.aggregateId, event.data.contactId, 'LOST');
  const contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
  if (!contact) return;
  const open = await openDealCount(m, event.tenantId, contact.id);
  const settings = await loadSettings(m, event.tenantId);
  await move(m, actorOf(event), contact, onDealLost(stageOf(contact), open, settings.recycleStage), new Date(event.occurredAt));
}

export async function reactToSurveyResponse(m: EntityManager, event: EventEnvelope<'survey.responded'>) {
  if (event.data.kind !== 'NPS') return;
  let contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
  if (!contact) return;
  const settings = await loadSettings(m, event.tenantId);
  const decision = onNpsResponse(stageOf(contact), event.data.score, settings.npsPromoterThreshold, settings.npsDetractorThreshold);
  if (contact.churnRisk !== decision.churnRisk) {
    // The latest answer decides: a detractor flags, a better score clears.
    contact = await saveLockedContact(m, contact, { churnRisk: decision.churnRisk });
    // Announced like any other contact change: campaigns' segments and retention rules select on it.
    await emit(m, {
      type: 'contact.updated',
      tenantId: event.tenantId,
      aggregateId: contact.id,
      actor: event.actor ?? null,
      data: { changedFields: ['churnRisk'], values: { churnRisk: contact.churnRisk } },
    });
  }
  await move(m, actorOf(event), contact, decision.move, new Date(event.occurredAt));
}

const RESPONSE_ENGAGEMENT: Record<string, EngagementKind> = {
  OPENED: 'EMAIL_OPEN',
  CLICKED: 'EMAIL_CLICK',
  RESPONDED: 'CAMPAIGN_RESPONSE',
};

export async function reactToCampaignResponse(m: EntityManager, event: EventEnvelope<'campaign.response_recorded'>) {
  let contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
  if (!contact) return;
  const actor = actorOf(event);
  contact = await move(m, actor, contact, onCampaignResponse(stageOf(contact)), new Date(event.occurredAt));
  await addEngagement(m, actor, contact, RESPONSE_ENGAGEMENT[event.data.responseType], new Date(event.occurredAt));
}

export async function reactToActivityCompleted(m: EntityManager, event: EventEnvelope<'activity.completed'>) {
  if (!event.data.contactId || (event.data.kind !== 'MEETING' && event.data.kind !== 'CALL')) return;
  const contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
  if (!contact) return;
  await addEngagement(m, actorOf(event), contact, 'MEETING', new Date(event.occurredAt));
}
