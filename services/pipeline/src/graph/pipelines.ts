import { requireUuid, tenantRepository } from '@crm/service-kit';
import { Pipeline, PipelineStage } from '../entities';
import type { PipelineContext } from '../context';
import { Input, write } from './common';
import {
  createPipeline,
  CreatePipelineInput,
  listPipelines,
  updatePipeline,
  updatePipelineSettings,
  updatePipelineStages,
  UpdatePipelineStagesInput,
} from '../use-cases/pipelines';
import { loadSettings } from '../use-cases/provisioning';

export const pipelineQueries = {
  pipelines: (_: unknown, __: unknown, ctx: PipelineContext) => {
    return listPipelines(ctx.db.manager, ctx.tenantId);
  },
  pipeline: (_: unknown, args: { id: string }, ctx: PipelineContext) => {
    return tenantRepository(ctx.db.manager, Pipeline, ctx.tenantId).findOne({ id: requireUuid(args.id, 'id') });
  },
  pipelineSettings: (_: unknown, __: unknown, ctx: PipelineContext) => {
    return loadSettings(ctx.db.manager, ctx.tenantId);
  },
};

export const pipelineMutations = {
  createPipeline: (_: unknown, { input }: Input<CreatePipelineInput>, ctx: PipelineContext) =>
    write(ctx, (m, actor) => createPipeline(m, actor, input)),
  updatePipeline: (
    _: unknown,
    { input }: Input<{ pipelineId: string; name?: string | null; isDefault?: boolean | null }>,
    ctx: PipelineContext,
  ) => write(ctx, (m, actor) => updatePipeline(m, actor, input)),
  updatePipelineStages: (_: unknown, { input }: Input<UpdatePipelineStagesInput>, ctx: PipelineContext) =>
    write(ctx, (m, actor) => updatePipelineStages(m, actor, input)),
  updatePipelineSettings: (
    _: unknown,
    { input }: Input<{ autoCreateDealOnSql?: boolean | null; lostReasons?: string[] | null }>,
    ctx: PipelineContext,
  ) => write(ctx, (m, actor) => updatePipelineSettings(m, actor, input)),
};

export const pipelineTypes = {
  Pipeline: {
    stages: (p: Pipeline, _: unknown, ctx: PipelineContext) => ctx.loaders.stagesOfPipeline.load(p.id),
  },
  PipelineStage: {
    archived: (s: PipelineStage) => s.archivedAt !== null,
  },
};
