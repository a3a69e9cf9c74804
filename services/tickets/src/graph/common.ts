import type { EntityManager } from 'typeorm';
import { authorize, retryOnDeadlock, type Actor } from '@crm/service-kit';
import { createLoaders } from '../loaders';
import type { TicketsContext } from '../context';

/** DESIGN §7: support writes tickets and surveys; sales, marketing and analysts read them. */
export const READ = ['support', 'sales', 'marketing', 'analyst'] as const;
export const WRITE = ['support'] as const;
export const READ_SCOPE = 'tickets:read';
export const WRITE_SCOPE = 'tickets:write';
/** SLA policies, business hours and round-robin settings are for admins; partner keys need this scope. */
export const ADMIN_SCOPE = 'tickets:admin';

export const canRead = (ctx: TicketsContext) => authorize(ctx.identity, READ, READ_SCOPE);
export const canWrite = (ctx: TicketsContext) => authorize(ctx.identity, WRITE, WRITE_SCOPE);

/**
 * A write: authorize, then run the use case in ONE transaction at the request's `now` (its
 * events go through the outbox in that transaction). Loaders restart so the mutation's fields
 * see its effects.
 */
export async function write<T>(
  ctx: TicketsContext, admin: boolean, work: (m: EntityManager, actor: Actor, now: Date) => Promise<T>,
): Promise<T> {
  if (admin) authorize(ctx.identity, [], ADMIN_SCOPE);
  else authorize(ctx.identity, WRITE, WRITE_SCOPE);
  const actor = { tenantId: ctx.tenantId, userId: ctx.userId };
  let now = new Date();
  const result = await retryOnDeadlock(() => ctx.db.transaction((m) => work(m, actor, (now = new Date()))));
  ctx.loaders = createLoaders(ctx.db.manager, ctx.tenantId);
  ctx.now = now; // the mutation's fields show the SLA at the moment of the write
  return result;
}

export type Input<T> = { input: T };
