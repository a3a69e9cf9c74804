import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { notFound, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { Deal, DealStageChange } from '../entities';

/** Lock the deal row: concurrent changes to one deal are serialised here. */
export async function lockDeal(m: EntityManager, tenantId: string, dealId: string, field = 'dealId'): Promise<Deal> {
  const deal = await tenantRepository(m, Deal, tenantId).findOneForUpdate({ id: requireUuid(dealId, field) });
  if (!deal) throw notFound('Deal', dealId);
  return deal;
}

/** The deal facts every deal event carries, so consumers (analytics) never call back. */
export function dealFacts(deal: Deal, stageName: string) {
  return { pipelineId: deal.pipelineId, ownerId: deal.ownerId, kind: deal.kind, stageName };
}

/**
 * Append the deal's stage change to its history and emit deal.stage_changed, in the caller's
 * transaction. `deal` already holds the new stage (named `stageName`), amount and probability.
 */
export async function recordStageChange(
  m: EntityManager,
  actor: Actor,
  deal: Deal,
  fromStageId: string | null,
  at: Date,
  stageName: string,
): Promise<void> {
  const history = tenantRepository(m, DealStageChange, actor.tenantId);
  await history.insert(
    history.create({
      dealId: deal.id,
      fromStageId,
      toStageId: deal.stageId,
      at,
      amount: deal.amount,
      currency: deal.currency,
      probability: deal.probability,
      actor: actor.userId,
    }),
  );
  await emit(m, {
    type: 'deal.stage_changed',
    tenantId: actor.tenantId,
    aggregateId: deal.id,
    actor: actor.userId,
    occurredAt: at,
    data: {
      contactId: deal.contactId,
      fromStageId,
      toStageId: deal.stageId,
      probability: deal.probability,
      amount: deal.amount,
      currency: deal.currency,
      ...dealFacts(deal, stageName),
    },
  });
}

/** The stage a closed deal was closed from (the `from` of its latest stage change). */
export async function closedFromStage(m: EntityManager, tenantId: string, dealId: string): Promise<string | null> {
  const [last] = await tenantRepository(m, DealStageChange, tenantId)
    .query('h')
    .andWhere('h.deal_id = :dealId', { dealId })
    .orderBy('h.seq', 'DESC')
    .limit(1)
    .getMany();
  return last?.fromStageId ?? null;
}
