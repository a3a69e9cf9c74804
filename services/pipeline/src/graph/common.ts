import type { EntityManager } from 'typeorm';
import { authorize, retryOnDeadlock, type Actor } from '@crm/service-kit';
import { createLoaders } from '../loaders';
import type { PipelineContext } from '../context';

export const READ = ['sales', 'analyst'] as const;
export const WRITE = ['sales'] as const;
export const READ_SCOPE = 'deals:read';
export const WRITE_SCOPE = 'deals:write';
/** Pipeline configuration is for admins; partner keys need this scope. */
export const ADMIN_SCOPE = 'pipelines:admin';

export const canRead = (ctx: PipelineContext) => authorize(ctx.identity, READ, READ_SCOPE);
export const canWrite = (ctx: PipelineContext) => authorize(ctx.identity, WRITE, WRITE_SCOPE);

/**
 * A write: authorize, then run the use case in ONE transaction (its events go through the
 * outbox in that same transaction). Loaders restart so this mutation's fields see its effects.
 */
export async function write<T>(
  ctx: PipelineContext, admin: boolean, work: (m: EntityManager, actor: Actor) => Promise<T>,
): Promise<T> {
  if (admin) authorize(ctx.identity, [], ADMIN_SCOPE);
  else authorize(ctx.identity, WRITE, WRITE_SCOPE);
  const actor = { tenantId: ctx.tenantId, userId: ctx.userId };
  const result = await retryOnDeadlock(() => ctx.db.transaction((m) => work(m, actor)));
  ctx.loaders = createLoaders(ctx.db.manager, ctx.tenantId);
  return result;
}

/** GraphQL args: `{ input }` for mutations and input queries. */
export type Input<T> = { input: T };
