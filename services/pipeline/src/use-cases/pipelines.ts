import type { EntityManager } from 'typeorm';
import { advisoryXactLock, badInput, characterLength, conflict, tenantRepository, type Actor } from '@crm/service-kit';
import { Deal, Pipeline, PipelineSettings, PipelineStage } from '../entities';
import { type DealReassignment, type StageInput, planStageChanges, validateLostReasons } from '../domain';
import { recordStageChange } from './history';
import { loadSettings, Settings } from './provisioning';
import { findPipeline, unwrap } from './stages';

export async function listPipelines(m: EntityManager, tenantId: string) {
  return tenantRepository(m, Pipeline, tenantId).find({ order: { isDefault: 'DESC', createdAt: 'ASC', id: 'ASC' } });
}

const MAX_PIPELINE_NAME_LENGTH = 80;
function checkName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '') throw badInput('name', 'name must not be blank');
  if (characterLength(trimmed) > MAX_PIPELINE_NAME_LENGTH)
    throw badInput('name', `name must be at most ${MAX_PIPELINE_NAME_LENGTH} characters`);
  return trimmed;
}

async function checkNameFree(m: EntityManager, tenantId: string, name: string, exceptId: string | null): Promise<void> {
  // Two admins creating the same name at once: the unique index decides, we lock to answer cleanly.
  await advisoryXactLock(m, 'pipeline', 'names', tenantId);
  const clash = await tenantRepository(m, Pipeline, tenantId).query('p').andWhere('lower(p.name) = lower(:name)', { name }).getOne();
  if (clash && clash.id !== exceptId) throw conflict(`A pipeline named "${clash.name}" already exists`);
}

async function makeDefault(m: EntityManager, tenantId: string, pipelineId: string): Promise<void> {
  await m.query('UPDATE pipelines SET is_default = false WHERE tenant_id = $1 AND is_default AND id <> $2', [tenantId, pipelineId]);
  await m.query('UPDATE pipelines SET is_default = true WHERE tenant_id = $1 AND id = $2', [tenantId, pipelineId]);
}

export interface CreatePipelineInput {
  name: string;
  stages: StageInput[];
  isDefault?: boolean | null;
}

/** createPipeline: a named pipeline with its whole stage set (order = position in the list). */
export async function createPipeline(m: EntityManager, actor: Actor, input: CreatePipelineInput): Promise<Pipeline> {
  const name = checkName(input.name);
  if (input.stages.some((s) => s.id)) throw badInput('stages', 'A new pipeline has only new stages (no ids)');
  const plan = unwrap(planStageChanges([], input.stages));
  await checkNameFree(m, actor.tenantId, name, null);
  const pipelines = tenantRepository(m, Pipeline, actor.tenantId);
  const pipeline = await pipelines.save(pipelines.create({ name, isDefault: false }));
  const stages = tenantRepository(m, PipelineStage, actor.tenantId);
  await m.save(plan.inserts.map((d) => stages.create({ ...d, pipelineId: pipeline.id, archivedAt: null })));
  if (input.isDefault) {
    await makeDefault(m, actor.tenantId, pipeline.id);
    pipeline.isDefault = true;
  }
  return pipeline;
}

/** updatePipeline: rename, or make it the tenant's default (there is always exactly one). */
export async function updatePipeline(
  m: EntityManager,
  actor: Actor,
  input: { pipelineId: string; name?: string | null; isDefault?: boolean | null },
): Promise<Pipeline> {
  const pipeline = await findPipeline(m, actor.tenantId, input.pipelineId, 'pipelineId');
  if (input.name !== undefined && input.name !== null) {
    const name = checkName(input.name);
    await checkNameFree(m, actor.tenantId, name, pipeline.id);
    await m.query('UPDATE pipelines SET name = $3 WHERE tenant_id = $1 AND id = $2', [actor.tenantId, pipeline.id, name]);
  }
  if (input.isDefault === false && pipeline.isDefault) {
    throw badInput('isDefault', 'A tenant always has a default pipeline: make another pipeline the default instead');
  }
  if (input.isDefault) await makeDefault(m, actor.tenantId, pipeline.id);
  return findPipeline(m, actor.tenantId, pipeline.id, 'pipelineId');
}

export interface UpdatePipelineStagesInput {
  pipelineId: string;
  stages: StageInput[];
  moveDeals?: DealReassignment[] | null;
}

/**
 * updatePipelineStages: the pipeline's new stage set in board order. Listed ids are kept
 * (renamed, reordered, re-weighted), stages without id are added, unlisted stages are archived
 * (only when empty, or with their deals moved by `moveDeals`, each move in the deal's history).
 * Deals keep the probability they have; a new default applies to deals entering the stage.
 */
export async function updatePipelineStages(m: EntityManager, actor: Actor, input: UpdatePipelineStagesInput): Promise<Pipeline> {
  const pipeline = await findPipeline(m, actor.tenantId, input.pipelineId, 'pipelineId');
  // Stage edits of one pipeline are serialised; deal moves share-lock their target stage, so a
  // stage is never archived under a deal moving into it. NO KEY UPDATE (not UPDATE) lets the
  // foreign-key checks of concurrent deal writes (KEY SHARE) through instead of deadlocking.
  await m.query('SELECT 1 FROM pipelines WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE', [actor.tenantId, pipeline.id]);
  const current = await tenantRepository(m, PipelineStage, actor.tenantId)
    .query('s')
    .andWhere('s.pipeline_id = :id', { id: pipeline.id })
    .andWhere('s.archived_at IS NULL')
    .setLock('for_no_key_update')
    .getMany();
  const counts: Array<{ stage_id: string; n: number }> = await m.query(
    'SELECT stage_id, count(*)::int AS n FROM deals WHERE tenant_id = $1 AND pipeline_id = $2 GROUP BY stage_id',
    [actor.tenantId, pipeline.id],
  );
  const existing = current.map((s) => ({ ...s, dealCount: counts.find((c) => c.stage_id === s.id)?.n ?? 0 }));
  const plan = unwrap(planStageChanges(existing, input.stages, input.moveDeals ?? []));

  // Positions are unique among active stages: park the kept ones first, then write the new order.
  await m.query('UPDATE pipeline_stages SET position = -1 - position WHERE tenant_id = $1 AND pipeline_id = $2 AND archived_at IS NULL', [
    actor.tenantId,
    pipeline.id,
  ]);
  for (const { id, definition: d } of plan.updates) {
    await m.query(
      `UPDATE pipeline_stages SET name = $3, position = $4, probability = $5, forecast_category = $6
        WHERE tenant_id = $1 AND id = $2`,
      [actor.tenantId, id, d.name, d.order, d.probability, d.forecastCategory],
    );
  }
  const stages = tenantRepository(m, PipelineStage, actor.tenantId);
  await m.save(plan.inserts.map((d) => stages.create({ ...d, pipelineId: pipeline.id, archivedAt: null })));
  for (const removal of plan.removals) {
    if (removal.moveDealsTo) await moveAllDeals(m, actor, removal.id, removal.moveDealsTo);
    await m.query('UPDATE pipeline_stages SET archived_at = now() WHERE tenant_id = $1 AND id = $2', [actor.tenantId, removal.id]);
  }
  return pipeline;
}

/** Every deal of a removed stage moves to the target, each with its history row and event. */
async function moveAllDeals(m: EntityManager, actor: Actor, fromStageId: string, toStageId: string): Promise<void> {
  const target = await tenantRepository(m, PipelineStage, actor.tenantId).findOne({ id: toStageId });
  const repo = tenantRepository(m, Deal, actor.tenantId);
  const deals = await repo
    .query('d')
    .andWhere('d.stage_id = :fromStageId', { fromStageId })
    .orderBy('d.created_at')
    .setLock('pessimistic_write')
    .getMany();
  for (const deal of deals) {
    deal.stageId = toStageId;
    deal.probability = target!.probability;
    const saved = await repo.save(deal);
    await recordStageChange(m, actor, saved, fromStageId, saved.updatedAt, target!.name);
  }
}

export async function updatePipelineSettings(
  m: EntityManager,
  actor: Actor,
  input: { autoCreateDealOnSql?: boolean | null; lostReasons?: string[] | null },
): Promise<Settings> {
  const settings = await loadSettings(m, actor.tenantId);
  if (input.autoCreateDealOnSql !== undefined && input.autoCreateDealOnSql !== null)
    settings.autoCreateDealOnSql = input.autoCreateDealOnSql;
  if (input.lostReasons !== undefined && input.lostReasons !== null) {
    settings.lostReasons = unwrap(validateLostReasons(input.lostReasons));
  }
  await m.getRepository(PipelineSettings).upsert(
    {
      tenantId: actor.tenantId,
      autoCreateDealOnSql: settings.autoCreateDealOnSql,
      lostReasons: settings.lostReasons,
      updatedAt: new Date(),
    },
    ['tenantId'],
  );
  return settings;
}
