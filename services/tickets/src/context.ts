import type { RequestContext } from '@crm/service-kit';
import { createLoaders, Loaders } from './loaders';

/** The base context plus this request's batch loaders and its clock. */
export interface TicketsContext extends RequestContext {
  loaders: Loaders;
  /** One `now` per request: every SLA figure of a response is computed at the same instant. */
  now: Date;
}

export function ticketsContext(base: RequestContext): TicketsContext {
  return { ...base, loaders: createLoaders(base.db.manager, base.tenantId), now: new Date() };
}
