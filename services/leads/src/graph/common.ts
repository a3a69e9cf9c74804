import type { EntityManager } from 'typeorm';
import { authorize, retryOnDeadlock, type Actor } from '@crm/service-kit';
import { actorOf, type LeadsContext } from '../context';
import { createLoaders } from '../loaders';

/** Roles of DESIGN §7 for contacts and companies. */
export const READ = ['sales', 'marketing', 'support', 'analyst'] as const;
export const WRITE = ['sales', 'marketing'] as const;
export const READ_SCOPE = 'contacts:read';
export const WRITE_SCOPE = 'contacts:write';
/** Lead settings are for admins; partner keys need this scope. */
export const ADMIN_SCOPE = 'settings:write';

export const canRead = (ctx: LeadsContext) => authorize(ctx.identity, READ, READ_SCOPE);

/**
 * A write: authorize, then run the use case in ONE transaction (its events go through the
 * outbox in that same transaction). Loaders restart so this mutation's fields see its effects.
 */
export async function write<T>(ctx: LeadsContext, admin: boolean, work: (m: EntityManager, actor: Actor) => Promise<T>): Promise<T> {
  if (admin) authorize(ctx.identity, [], ADMIN_SCOPE);
  else authorize(ctx.identity, WRITE, WRITE_SCOPE);
  const result = await retryOnDeadlock(() => ctx.db.transaction((m) => work(m, actorOf(ctx))));
  ctx.loaders = createLoaders(ctx.db.manager, ctx.tenantId);
  return result;
}

/** GraphQL args: `{ input }` for mutations. */
export type Input<T> = { input: T };
