import type { Actor, RequestContext } from '@crm/service-kit';
import { createLoaders, LeadsLoaders } from './loaders';

/** The base context plus this request's batch loaders. */
export interface LeadsContext extends RequestContext {
  loaders: LeadsLoaders;
}

export function leadsContext(base: RequestContext): LeadsContext {
  return { ...base, loaders: createLoaders(base.db.manager, base.tenantId) };
}

export const actorOf = (ctx: LeadsContext): Actor => ({ tenantId: ctx.tenantId, userId: ctx.userId });
