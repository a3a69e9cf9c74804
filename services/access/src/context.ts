import type { RequestContext } from '@crm/service-kit';
import type { KeyUsage } from './use-cases/api-keys';

/** The base context plus the process's key-usage buffer (flushed by a job). */
export interface AccessContext extends RequestContext {
  usage: KeyUsage;
}

export function accessContext(base: RequestContext, usage: KeyUsage): AccessContext {
  return { ...base, usage };
}
