import type { RequestContext } from '@crm/service-kit';
import { createLoaders, Loaders } from './loaders';

/** The base context plus this request's batch loaders. */
export interface PipelineContext extends RequestContext {
  loaders: Loaders;
}

export function pipelineContext(base: RequestContext): PipelineContext {
  return { ...base, loaders: createLoaders(base.db.manager, base.tenantId) };
}
