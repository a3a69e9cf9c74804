import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { badInput, conflict, tenantRepository, type Actor } from '@crm/service-kit';
import { Deal, PipelineStage } from '../entities';
import { checkLose, checkReopen, checkWin, lostStage, reopenStage, wonStage } from '../domain';
import { closedFromStage, dealFacts, lockDeal, recordStageChange } from './history';
import { loadSettings } from './provisioning';
import { activeStages, lockStage, requireOpenStageOf, throwIfViolated, unwrap } from './stages';

async function closingStage(m: EntityManager, tenantId: string, deal: Deal, pick: typeof wonStage): Promise<PipelineStage> {
  const stage = pick(await activeStages(m, tenantId, deal.pipelineId));
  if (!stage) throw conflict('The pipeline has no won or lost stage');
  return lockStage(m, tenantId, stage.id, 'dealId');
}

/** A close is recorded at its closedAt, so the stage change and deal.won/lost share one time. */
async function moveTo(m: EntityManager, actor: Actor, deal: Deal, stage: PipelineStage, probability: number): Promise<Deal> {
  const from = deal.stageId;
  deal.stageId = stage.id;
  deal.probability = probability;
  const saved = await tenantRepository(m, Deal, actor.tenantId).save(deal);
  await recordStageChange(m, actor, saved, from, saved.closedAt ?? saved.updatedAt, stage.name);
  return saved;
}

/** winDeal: into the won stage, probability 100, closedAt now; deal.stage_changed then deal.won. */
export async function winDeal(m: EntityManager, actor: Actor, input: { dealId: string }, at = new Date()): Promise<Deal> {
  const deal = await lockDeal(m, actor.tenantId, input.dealId);
  throwIfViolated(checkWin(deal));
  const stage = await closingStage(m, actor.tenantId, deal, wonStage);
  deal.status = 'WON';
  deal.closedAt = at;
  const saved = await moveTo(m, actor, deal, stage, 100);
  await emit(m, {
    type: 'deal.won',
    tenantId: actor.tenantId,
    aggregateId: saved.id,
    actor: actor.userId,
    occurredAt: saved.closedAt!,
    data: {
      contactId: saved.contactId,
      closedAt: saved.closedAt!.toISOString(),
      createdAt: saved.createdAt.toISOString(),
      amount: saved.amount,
      currency: saved.currency,
      ...dealFacts(saved, stage.name),
    },
  });
  return saved;
}

/** loseDeal: a reason is required (the tenant's list spelling when it matches one, else free text). */
export async function loseDeal(m: EntityManager, actor: Actor, input: { dealId: string; reason: string }, at = new Date()): Promise<Deal> {
  const deal = await lockDeal(m, actor.tenantId, input.dealId);
  const verdict = checkLose(deal, input.reason, (await loadSettings(m, actor.tenantId)).lostReasons);
  const reason = unwrap(verdict.ok ? { ok: true, value: verdict.reason } : verdict);
  const stage = await closingStage(m, actor.tenantId, deal, lostStage);
  deal.status = 'LOST';
  deal.closedAt = at;
  deal.lostReason = reason;
  const saved = await moveTo(m, actor, deal, stage, 0);
  await emit(m, {
    type: 'deal.lost',
    tenantId: actor.tenantId,
    aggregateId: saved.id,
    actor: actor.userId,
    occurredAt: saved.closedAt!,
    data: {
      contactId: saved.contactId,
      reason,
      closedAt: saved.closedAt!.toISOString(),
      createdAt: saved.createdAt.toISOString(),
      amount: saved.amount,
      currency: saved.currency,
      ...dealFacts(saved, stage.name),
    },
  });
  return saved;
}

/**
 * reopenDeal: the only way to change a closed deal. Back to the given open stage, else the
 * stage it was closed from (if still there), else the pipeline's first open stage.
 */
export async function reopenDeal(m: EntityManager, actor: Actor, input: { dealId: string; stageId?: string | null }): Promise<Deal> {
  const deal = await lockDeal(m, actor.tenantId, input.dealId);
  throwIfViolated(checkReopen(deal));
  let stage: PipelineStage;
  if (input.stageId) {
    stage = requireOpenStageOf(await lockStage(m, actor.tenantId, input.stageId, 'stageId'), deal.pipelineId, 'stageId');
  } else {
    const choice = reopenStage(await activeStages(m, actor.tenantId, deal.pipelineId), await closedFromStage(m, actor.tenantId, deal.id));
    if (!choice) throw badInput('stageId', 'The pipeline has no open stage to reopen into');
    stage = await lockStage(m, actor.tenantId, choice.id, 'stageId');
  }
  const previousStatus = deal.status as 'WON' | 'LOST';
  deal.status = 'OPEN';
  deal.closedAt = null;
  deal.lostReason = null;
  const saved = await moveTo(m, actor, deal, stage, stage.probability);
  await emit(m, {
    type: 'deal.reopened',
    tenantId: actor.tenantId,
    aggregateId: saved.id,
    actor: actor.userId,
    occurredAt: saved.updatedAt,
    data: {
      contactId: saved.contactId,
      stageId: stage.id,
      probability: saved.probability,
      previousStatus,
      amount: saved.amount,
      currency: saved.currency,
      ...dealFacts(saved, stage.name),
    },
  });
  return saved;
}
