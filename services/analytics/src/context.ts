import type { RequestContext } from '@crm/service-kit';
import { createLoaders, Loaders } from './loaders';
import type { RebuildResult } from './use-cases/rebuild';

/** The base context plus this request's batch loaders and, when an event history is configured, the rebuild. */
export interface AnalyticsContext extends RequestContext {
  loaders: Loaders;
  rebuild?: () => Promise<RebuildResult>;
}

export function analyticsContext(base: RequestContext, rebuild?: () => Promise<RebuildResult>): AnalyticsContext {
  return { ...base, loaders: createLoaders(base.db.manager, base.tenantId), rebuild };
}
