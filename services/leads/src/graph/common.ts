import type { EntityManager } from 'typeorm';
import { recordAudit, retryOnDeadlock, type Actor } from '@crm/service-kit';
import { actorOf, type LeadsContext } from '../context';
import { createLoaders } from '../loaders';

/**
 * A write (the role matrix was checked from the SDL's @access before the resolver ran): run the use case in ONE transaction (its events go through the
 * outbox in that same transaction). Loaders restart so this mutation's fields see its effects.
 */
export async function write<T>(ctx: LeadsContext, work: (m: EntityManager, actor: Actor) => Promise<T>): Promise<T> {
  const result = await retryOnDeadlock(() =>
    ctx.db.transaction(async (m) => {
      const result = await work(m, actorOf(ctx));
      await recordAudit(m, result); // the audit entry commits with the change
      return result;
    }),
  );
  ctx.loaders = createLoaders(ctx.db.manager, ctx.tenantId);
  return result;
}

/** GraphQL args: `{ input }` for mutations. */
export type Input<T> = { input: T };
