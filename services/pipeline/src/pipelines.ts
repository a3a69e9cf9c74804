import type { EntityManager } from 'typeorm';
import { tenantRepository } from '@crm/service-kit';
import { Pipeline, PipelineStage } from './entities';
import { DEFAULT_PIPELINE_NAME, DEFAULT_PIPELINE_STAGES } from './domain';

/** A new tenant's default pipeline (runs once, inside tenant provisioning). */
export async function provisionDefaultPipeline(m: EntityManager, tenantId: string): Promise<void> {
  const pipelines = tenantRepository(m, Pipeline, tenantId);
  const stages = tenantRepository(m, PipelineStage, tenantId);
  const pipeline = await pipelines.save(pipelines.create({ name: DEFAULT_PIPELINE_NAME, isDefault: true }));
  await m.save(DEFAULT_PIPELINE_STAGES.map((s) => stages.create({ ...s, pipelineId: pipeline.id })));
}

export async function listPipelines(m: EntityManager, tenantId: string) {
  const pipelines = await tenantRepository(m, Pipeline, tenantId).find({ order: { isDefault: 'DESC', createdAt: 'ASC' } });
  const stages = await tenantRepository(m, PipelineStage, tenantId).find({ order: { order: 'ASC' } });
  return pipelines.map((p) => ({ ...p, stages: stages.filter((s) => s.pipelineId === p.id) }));
}
