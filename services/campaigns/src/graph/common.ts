import type { EntityManager } from 'typeorm';
import { authorize, retryOnDeadlock, type Actor } from '@crm/service-kit';
import { createLoaders } from '../loaders';
import type { CampaignsContext } from '../context';

// DESIGN §7: marketing (and admin) read and write campaigns; sales, support and analyst read.
export const READ = ['marketing', 'sales', 'support', 'analyst'] as const;
export const WRITE = ['marketing'] as const;
export const READ_SCOPE = 'campaigns:read';
export const WRITE_SCOPE = 'campaigns:write';
/** Enrolment rules are tenant configuration: admins (or a key with this scope). */
export const ADMIN_SCOPE = 'campaigns:admin';

export const canRead = (ctx: CampaignsContext) => authorize(ctx.identity, READ, READ_SCOPE);
export const canAdmin = (ctx: CampaignsContext) => authorize(ctx.identity, [], ADMIN_SCOPE);
export const canWrite = (ctx: CampaignsContext) => authorize(ctx.identity, WRITE, WRITE_SCOPE);

/**
 * A write: authorize, then run the use case in ONE transaction (its events go through the
 * outbox in that same transaction). Loaders restart so this mutation's fields see its effects.
 */
export async function write<T>(ctx: CampaignsContext, admin: boolean, work: (m: EntityManager, actor: Actor) => Promise<T>): Promise<T> {
  if (admin) canAdmin(ctx);
  else authorize(ctx.identity, WRITE, WRITE_SCOPE);
  const actor = { tenantId: ctx.tenantId, userId: ctx.userId };
  const result = await retryOnDeadlock(() => ctx.db.transaction((m) => work(m, actor)));
  ctx.loaders = createLoaders(ctx.db.manager, ctx.tenantId);
  return result;
}

export type Input<T> = { input: T };
