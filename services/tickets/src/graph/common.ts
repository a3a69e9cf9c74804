import type { EntityManager } from 'typeorm';
import { writeInTransaction, type Actor } from '@crm/service-kit';
import { createLoaders } from '../loaders';
import type { TicketsContext } from '../context';

/**
 * A write (the role matrix was checked from the SDL's @access before the resolver ran): run the use case in ONE transaction at the request's `now` (its
 * events go through the outbox in that transaction). Loaders restart so the mutation's fields
 * see its effects.
 */
export async function write<T>(ctx: TicketsContext, work: (m: EntityManager, actor: Actor, now: Date) => Promise<T>): Promise<T> {
  let now = new Date();
  const result = await writeInTransaction(ctx, (m, actor) => work(m, actor, (now = new Date())));
  ctx.loaders = createLoaders(ctx.db.manager, ctx.tenantId);
  ctx.now = now; // the mutation's fields show the SLA at the moment of the write
  return result;
}

export type Input<T> = { input: T };
