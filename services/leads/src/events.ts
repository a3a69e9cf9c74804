import type { EntityManager } from 'typeorm';
import type { EventConsumer } from '@crm/events';
import { Contact } from './entities';
import {
  isRepeatPurchase, LifecycleStage, onCampaignResponse, onDealCreated, onDealLost, onDealWon, onNpsResponse, StageMove,
} from './domain/lifecycle';
import type { EngagementKind } from './domain/scoring';
import type { Actor } from '@crm/service-kit';
import { applyStageMove, findContactForUpdate } from './use-cases/lifecycle';
import { addEngagement } from './use-cases/scoring';
import { loadSettings } from './use-cases/settings';

/**
 * leads reacts to the rest of the lifecycle (DESIGN §4): deals, surveys, campaigns, activities.
 * Each handler runs in the consumer's transaction (applied once per event), locks the contact,
 * and moves it only through the stage machine (source EVENT).
 */
async function move(m: EntityManager, actor: Actor, contact: Contact, decision: StageMove | null): Promise<Contact> {
  return decision ? applyStageMove(m, actor, contact, decision, 'EVENT') : contact;
}

async function trackDeal(m: EntityManager, tenantId: string, dealId: string, contactId: string, status: 'OPEN' | 'WON' | 'LOST') {
  await m.query(
    `INSERT INTO contact_deals (tenant_id, deal_id, contact_id, status) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, deal_id) DO UPDATE SET status = EXCLUDED.status, contact_id = EXCLUDED.contact_id`,
    [tenantId, dealId, contactId, status],
  );
}

const RESPONSE_ENGAGEMENT: Record<string, EngagementKind> = { OPENED: 'EMAIL_OPEN', CLICKED: 'EMAIL_CLICK', RESPONDED: 'CAMPAIGN_RESPONSE' };

export function registerHandlers(consumer: EventConsumer): void {
  consumer
    .handle('deal.created', async (event, m) => {
      await trackDeal(m, event.tenantId, event.aggregateId, event.data.contactId, 'OPEN');
      const contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
      if (!contact) return; // a deal for a contact leads does not know (deleted or merged away)
      await move(m, { tenantId: event.tenantId, userId: event.actor ?? null }, contact, onDealCreated(contact.lifecycleStage as LifecycleStage));
    })
    .handle('deal.won', async (event, m) => {
      await trackDeal(m, event.tenantId, event.aggregateId, event.data.contactId, 'WON');
      let contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
      if (!contact) return;
      const closedAt = new Date(event.data.closedAt);
      if (isRepeatPurchase(contact.lifecycleStage as LifecycleStage)) contact.repeatPurchases += 1;
      if (!contact.lastPurchaseAt || contact.lastPurchaseAt < closedAt) contact.lastPurchaseAt = closedAt;
      contact = await m.save(contact);
      await move(m, { tenantId: event.tenantId, userId: event.actor ?? null }, contact, onDealWon(contact.lifecycleStage as LifecycleStage));
    })
    .handle('deal.lost', async (event, m) => {
      await trackDeal(m, event.tenantId, event.aggregateId, event.data.contactId, 'LOST');
      const contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
      if (!contact) return;
      const [open] = await m.query(
        `SELECT count(*)::int AS n FROM contact_deals WHERE tenant_id = $1 AND contact_id = $2 AND status = 'OPEN'`,
        [event.tenantId, contact.id],
      );
      const settings = await loadSettings(m, event.tenantId);
      await move(m, { tenantId: event.tenantId, userId: event.actor ?? null }, contact, onDealLost(contact.lifecycleStage as LifecycleStage, open.n, settings.recycleStage));
    })
    .handle('survey.responded', async (event, m) => {
      if (event.data.kind !== 'NPS') return;
      let contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
      if (!contact) return;
      const settings = await loadSettings(m, event.tenantId);
      const decision = onNpsResponse(contact.lifecycleStage as LifecycleStage, event.data.score, settings.npsPromoterThreshold, settings.npsDetractorThreshold);
      if (contact.churnRisk !== decision.churnRisk) {
        contact.churnRisk = decision.churnRisk; // the latest answer decides: a detractor flags, a better score clears
        contact = await m.save(contact);
      }
      await move(m, { tenantId: event.tenantId, userId: event.actor ?? null }, contact, decision.move);
    })
    .handle('campaign.response_recorded', async (event, m) => {
      let contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
      if (!contact) return;
      const actor = { tenantId: event.tenantId, userId: event.actor ?? null };
      contact = await move(m, actor, contact, onCampaignResponse(contact.lifecycleStage as LifecycleStage));
      await addEngagement(m, actor, contact, RESPONSE_ENGAGEMENT[event.data.responseType], new Date(event.occurredAt));
    })
    .handle('activity.completed', async (event, m) => {
      if (!event.data.contactId || (event.data.kind !== 'MEETING' && event.data.kind !== 'CALL')) return;
      const contact = await findContactForUpdate(m, event.tenantId, event.data.contactId);
      if (!contact) return;
      await addEngagement(m, { tenantId: event.tenantId, userId: event.actor ?? null }, contact, 'MEETING', new Date(event.occurredAt));
    });
}
