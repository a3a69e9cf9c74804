import type { EntityManager } from 'typeorm';
import { badInput, conflict, notFound, requireUuid, tenantRepository } from '@crm/service-kit';
import { Pipeline, PipelineStage } from '../entities';
import type { FieldError, RuleCheck, RuleViolation } from '../domain';
import { provisionDefaultPipeline } from './provisioning';

/** The active (not archived) stages of a pipeline, in board order. */
export function activeStages(m: EntityManager, tenantId: string, pipelineId: string): Promise<PipelineStage[]> {
  return tenantRepository(m, PipelineStage, tenantId)
    .query('s')
    .andWhere('s.pipeline_id = :pipelineId', { pipelineId })
    .andWhere('s.archived_at IS NULL')
    .orderBy('s.position', 'ASC')
    .getMany();
}

export async function findPipeline(m: EntityManager, tenantId: string, id: string, field: string): Promise<Pipeline> {
  const pipeline = await tenantRepository(m, Pipeline, tenantId).findOne({ id: requireUuid(id, field) });
  if (!pipeline) throw notFound('Pipeline', id);
  return pipeline;
}

/** The tenant's default pipeline; provisioned here if it is somehow missing. */
export async function defaultPipeline(m: EntityManager, tenantId: string): Promise<Pipeline> {
  const found = await tenantRepository(m, Pipeline, tenantId).findOne({ isDefault: true });
  return found ?? provisionDefaultPipeline(m, tenantId);
}

/**
 * An active stage, share-locked for the rest of the transaction: a concurrent stage removal
 * (which locks the stage for update) waits for us, and we see its archive if it committed first.
 */
export async function lockStage(m: EntityManager, tenantId: string, id: string, field: string): Promise<PipelineStage> {
  const stage = await tenantRepository(m, PipelineStage, tenantId)
    .query('s')
    .andWhere('s.id = :id', { id: requireUuid(id, field) })
    .setLock('pessimistic_read')
    .getOne();
  if (!stage || stage.archivedAt) throw notFound('Stage', id);
  return stage;
}

/** A target stage for an open deal: in the deal's pipeline and neither won nor lost. */
export function requireOpenStageOf(stage: PipelineStage, pipelineId: string, field: string): PipelineStage {
  if (stage.pipelineId !== pipelineId) throw badInput(field, "Stage does not belong to the deal's pipeline");
  if (stage.isWon) throw badInput(field, 'Use winDeal to move a deal into the won stage');
  if (stage.isLost) throw badInput(field, 'Use loseDeal to move a deal into the lost stage');
  return stage;
}

/** A domain rule's refusal as the GraphQL error of docs/api.md. */
export function throwIfViolated(check: RuleCheck): void {
  if (check.ok) return;
  throw check.code === 'CONFLICT' ? conflict(check.message) : badInput(check.field, check.message);
}

/** A validated value, or the rule's refusal thrown as a GraphQL error. */
export function unwrap<T>(result: { ok: true; value: T } | RuleViolation | FieldError): T {
  if (result.ok) return result.value;
  if ('code' in result && result.code === 'CONFLICT') throw conflict(result.message);
  throw badInput((result as FieldError).field, result.message);
}
