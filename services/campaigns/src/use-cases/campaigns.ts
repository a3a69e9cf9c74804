import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { notFound, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { Campaign, CampaignCost } from '../entities';
import { type CampaignDraftInput, CampaignStatus, checkCampaignMove, validateCampaignDraft, validateCost } from '../domain';

export type CreateCampaignInput = CampaignDraftInput;

/** The campaign row locked for this transaction; NOT_FOUND naming `field` otherwise. */
export async function lockCampaign(m: EntityManager, tenantId: string, id: string, field = 'campaignId'): Promise<Campaign> {
  const campaign = await tenantRepository(m, Campaign, tenantId).findOneForUpdate({ id: requireUuid(id, field) });
  if (!campaign) throw notFound('Campaign', id, field);
  return campaign;
}

async function emitStatusChanged(m: EntityManager, actor: Actor, c: Campaign, from: CampaignStatus | null, at?: Date): Promise<void> {
  await emit(m, {
    type: 'campaign.status_changed',
    tenantId: actor.tenantId,
    aggregateId: c.id,
    actor: actor.userId,
    occurredAt: at ?? c.updatedAt,
    data: { from, to: c.status, name: c.name, kind: c.kind, ...(c.channel ? { channel: c.channel } : {}) },
  });
}

/** createCampaign: a DRAFT; its creation is the first status change (from null). */
// `at` (here and below): when it happened (default now; the demo seed places its story in the past).
export async function createCampaign(m: EntityManager, actor: Actor, input: CreateCampaignInput, at?: Date): Promise<Campaign> {
  const draft = validateCampaignDraft(input);
  const repo = tenantRepository(m, Campaign, actor.tenantId);
  const saved = await repo.save(repo.create({ ...draft, status: 'DRAFT', actualCost: 0 }));
  await emitStatusChanged(m, actor, saved, null, at);
  return saved;
}

/** launch/pause/complete/cancel: one move of the status machine (CONFLICT otherwise). */
export async function changeCampaignStatus(
  m: EntityManager,
  actor: Actor,
  campaignId: string,
  to: CampaignStatus,
  at?: Date,
): Promise<Campaign> {
  const campaign = await lockCampaign(m, actor.tenantId, campaignId);
  const from = campaign.status;
  checkCampaignMove(from, to);
  campaign.status = to;
  const saved = await tenantRepository(m, Campaign, actor.tenantId).save(campaign);
  await emitStatusChanged(m, actor, saved, from, at);
  // campaign.launched marks the first launch only (a resume from PAUSED is a status change).
  if (to === 'ACTIVE' && from === 'DRAFT') {
    await emit(m, {
      type: 'campaign.launched',
      tenantId: actor.tenantId,
      aggregateId: saved.id,
      actor: actor.userId,
      occurredAt: at ?? saved.updatedAt,
      data: { name: saved.name, kind: saved.kind, channel: saved.channel, budget: saved.budget, currency: saved.currency },
    });
  }
  return saved;
}

/** recordCampaignCost: one more cost entry; actualCost is the sum of the entries. */
export async function recordCampaignCost(
  m: EntityManager,
  actor: Actor,
  input: { campaignId: string; amount: number; note?: string | null },
  at = new Date(),
): Promise<Campaign> {
  const campaign = await lockCampaign(m, actor.tenantId, input.campaignId);
  const cost = validateCost(campaign.actualCost, input.amount, input.note);
  const costs = tenantRepository(m, CampaignCost, actor.tenantId);
  const entry = await costs.save(
    costs.create({ campaignId: campaign.id, amount: cost.amount, note: cost.note, recordedBy: actor.userId, recordedAt: at }),
  );
  campaign.actualCost += cost.amount;
  const saved = await tenantRepository(m, Campaign, actor.tenantId).save(campaign);
  await emit(m, {
    type: 'campaign.cost_recorded',
    tenantId: actor.tenantId,
    aggregateId: saved.id,
    actor: actor.userId,
    occurredAt: entry.recordedAt,
    data: { campaignId: saved.id, actualCost: saved.actualCost, note: cost.note, amount: cost.amount, currency: saved.currency },
  });
  return saved;
}
