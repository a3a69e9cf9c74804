import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import {
  advisoryXactLock,
  badInput,
  characterLength,
  conflict,
  MAX_USER_ID_LENGTH,
  requireUuid,
  tenantRepository,
  type Actor,
} from '@crm/service-kit';
import { Deal } from '../entities';
import {
  type DealKind,
  DEAL_KINDS,
  checkEditable,
  checkStageMove,
  firstOpenStage,
  validateAmount,
  validateCurrency,
  validateCloseDate,
  validateDealFields,
  validateDealTitle,
  validateProbability,
} from '../domain';
import { dealFacts, lockDeal, recordStageChange } from './history';
import { activeStages, defaultPipeline, findPipeline, lockStage, throwIfViolated, unwrap } from './stages';
import { requireKnownContact } from './contacts';

export interface CreateDealInput {
  contactId: string;
  companyId?: string | null;
  title: string;
  amount: number;
  currency?: string | null;
  pipelineId?: string | null;
  stageId?: string | null;
  probability?: number | null;
  expectedCloseDate?: string | null;
  kind?: DealKind | null;
  ownerId?: string | null;
}

function checkOwner(ownerId: string | null | undefined, field = 'ownerId'): string | null {
  if (ownerId === undefined || ownerId === null) return null;
  const trimmed = ownerId.trim();
  if (trimmed === '' || characterLength(trimmed) > MAX_USER_ID_LENGTH)
    throw badInput(field, `${field} must be 1 to ${MAX_USER_ID_LENGTH} characters`);
  return trimmed;
}

function checkKind(kind: unknown): DealKind {
  if (kind === undefined || kind === null) return 'NEW_BUSINESS';
  if (!(DEAL_KINDS as readonly unknown[]).includes(kind)) throw badInput('kind', `kind must be one of ${DEAL_KINDS.join(', ')}`);
  return kind as DealKind;
}

/** Serialises deal creation per contact, so "open a deal unless one is open" is exact. */
export async function lockContactDeals(m: EntityManager, tenantId: string, contactId: string): Promise<void> {
  await advisoryXactLock(m, 'pipeline', 'contact-deals', tenantId, contactId);
}

/**
 * createDeal: validates, places the deal (default pipeline, first open stage unless given).
 * `at`: when it was created (default now; the demo seed places its deals in the past).
 */
export async function createDeal(m: EntityManager, actor: Actor, input: CreateDealInput, at?: Date): Promise<Deal> {
  const contactId = requireUuid(input.contactId ?? '', 'contactId');
  const companyId = input.companyId ? requireUuid(input.companyId, 'companyId') : null;
  const fields = unwrap(validateDealFields(input));
  const kind = checkKind(input.kind);
  const ownerId = input.ownerId === undefined ? actor.userId : checkOwner(input.ownerId);
  await requireKnownContact(m, actor.tenantId, contactId);

  const stage = input.stageId ? await lockStage(m, actor.tenantId, input.stageId, 'stageId') : null;
  const pipeline = input.pipelineId
    ? await findPipeline(m, actor.tenantId, input.pipelineId, 'pipelineId')
    : stage
      ? await findPipeline(m, actor.tenantId, stage.pipelineId, 'stageId')
      : await defaultPipeline(m, actor.tenantId);
  let target = stage;
  if (target) {
    if (target.pipelineId !== pipeline.id) throw badInput('stageId', 'Stage does not belong to the pipeline');
    if (target.isWon || target.isLost) throw badInput('stageId', 'A new deal starts in an open stage; win or lose it afterwards');
  } else {
    target = firstOpenStage(await activeStages(m, actor.tenantId, pipeline.id));
    if (!target) throw conflict(`Pipeline ${pipeline.name} has no open stage`);
    target = await lockStage(m, actor.tenantId, target.id, 'stageId');
  }

  await lockContactDeals(m, actor.tenantId, contactId);
  const deals = tenantRepository(m, Deal, actor.tenantId);
  const deal = await deals.save(
    deals.create({
      pipelineId: pipeline.id,
      stageId: target.id,
      contactId,
      companyId,
      ownerId,
      title: fields.title,
      amount: fields.amount,
      currency: fields.currency,
      probability: fields.probability ?? target.probability,
      kind,
      status: 'OPEN',
      expectedCloseDate: fields.expectedCloseDate,
      closedAt: null,
      lostReason: null,
      ...(at ? { createdAt: at, updatedAt: at } : {}),
    }),
  );
  await emit(m, {
    type: 'deal.created',
    tenantId: actor.tenantId,
    aggregateId: deal.id,
    actor: actor.userId,
    occurredAt: deal.createdAt,
    data: {
      contactId,
      pipelineId: pipeline.id,
      stageId: target.id,
      kind,
      ownerId,
      expectedCloseDate: deal.expectedCloseDate,
      probability: deal.probability,
      stageName: target.name,
      amount: deal.amount,
      currency: deal.currency,
    },
  });
  await recordStageChange(m, actor, deal, null, deal.createdAt, target.name);
  return deal;
}

export interface UpdateDealInput {
  dealId: string;
  title?: string | null;
  amount?: number | null;
  currency?: string | null;
  probability?: number | null;
  expectedCloseDate?: string | null;
  kind?: DealKind | null;
  ownerId?: string | null;
  companyId?: string | null;
}

const given = <K extends keyof UpdateDealInput>(input: UpdateDealInput, key: K) => input[key] !== undefined;

/** The fields deal.updated reports as changed (compared before/after, so a no-op update emits nothing). */
const TRACKED = ['title', 'amount', 'currency', 'kind', 'expectedCloseDate', 'ownerId', 'companyId', 'probability'] as const;

/**
 * updateDeal: only the fields given change; null clears probability (back to the stage's),
 * expectedCloseDate, ownerId and companyId. A closed deal is CONFLICT. Emits deal.updated with
 * the changed fields and the deal's facts.
 */
export async function updateDeal(m: EntityManager, actor: Actor, input: UpdateDealInput): Promise<Deal> {
  const deal = await lockDeal(m, actor.tenantId, input.dealId);
  throwIfViolated(checkEditable(deal));
  const before = { ...deal };
  for (const key of ['title', 'amount', 'currency', 'kind'] as const) {
    if (input[key] === null) throw badInput(key, `${key} cannot be cleared`);
  }
  if (given(input, 'title')) deal.title = unwrap(validateDealTitle(input.title));
  if (given(input, 'amount')) deal.amount = unwrap(validateAmount(input.amount));
  if (given(input, 'currency')) deal.currency = unwrap(validateCurrency(input.currency));
  if (given(input, 'kind')) deal.kind = checkKind(input.kind);
  if (input.expectedCloseDate !== undefined) {
    deal.expectedCloseDate = unwrap(validateCloseDate(input.expectedCloseDate));
  }
  if (input.ownerId !== undefined) deal.ownerId = checkOwner(input.ownerId);
  if (input.companyId !== undefined) deal.companyId = input.companyId === null ? null : requireUuid(input.companyId, 'companyId');
  if (input.probability !== undefined) {
    const own = unwrap(validateProbability(input.probability));
    deal.probability = own ?? (await lockStage(m, actor.tenantId, deal.stageId, 'probability')).probability;
  }
  const saved = await tenantRepository(m, Deal, actor.tenantId).save(deal);
  const changedFields = TRACKED.filter((f) => before[f] !== saved[f]);
  if (changedFields.length) {
    const stage = await lockStage(m, actor.tenantId, saved.stageId, 'dealId');
    await emit(m, {
      type: 'deal.updated',
      tenantId: actor.tenantId,
      aggregateId: saved.id,
      actor: actor.userId,
      occurredAt: saved.updatedAt,
      data: {
        contactId: saved.contactId,
        changedFields: [...changedFields],
        amount: saved.amount,
        currency: saved.currency,
        expectedCloseDate: saved.expectedCloseDate,
        probability: saved.probability,
        ...dealFacts(saved, stage.name),
      },
    });
  }
  return saved;
}

/** moveDealStage: an open deal to another open stage of its pipeline. */
export async function moveDealStage(
  m: EntityManager,
  actor: Actor,
  input: { dealId: string; stageId: string; probability?: number | null },
): Promise<Deal> {
  const deal = await lockDeal(m, actor.tenantId, input.dealId);
  const stage = await lockStage(m, actor.tenantId, input.stageId, 'stageId');
  throwIfViolated(checkStageMove(deal, stage));
  const probability = unwrap(validateProbability(input.probability));
  const from = deal.stageId;
  deal.stageId = stage.id;
  deal.probability = probability ?? stage.probability;
  const saved = await tenantRepository(m, Deal, actor.tenantId).save(deal);
  await recordStageChange(m, actor, saved, from, saved.updatedAt, stage.name);
  return saved;
}
