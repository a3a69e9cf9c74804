import type { RequestContext } from '@crm/service-kit';
import { createLoaders, Loaders } from './loaders';

/** The base context plus this request's batch loaders. */
export interface CampaignsContext extends RequestContext {
  loaders: Loaders;
}

export function campaignsContext(base: RequestContext): CampaignsContext {
  return { ...base, loaders: createLoaders(base.db.manager, base.tenantId) };
}
