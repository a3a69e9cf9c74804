import { authorize, Resolvers } from '@crm/service-kit';
import type { PipelineContext } from './service';
import { listPipelines } from './pipelines';

export const resolvers: Resolvers<PipelineContext> = {
  Query: {
    pipelines: (_: unknown, __: unknown, ctx: PipelineContext) => {
      authorize(ctx.identity, ['sales', 'analyst'], 'deals:read');
      return listPipelines(ctx.db.manager, ctx.tenantId);
    },
  },
};
