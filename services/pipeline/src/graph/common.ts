import type { EntityManager } from 'typeorm';
import { writeInTransaction, type Actor } from '@crm/service-kit';
import { createLoaders } from '../loaders';
import type { PipelineContext } from '../context';

/**
 * A write (the role matrix was checked from the SDL's @access before the resolver ran): run the use case in ONE transaction (its events go through the
 * outbox in that same transaction). Loaders restart so this mutation's fields see its effects.
 */
export async function write<T>(ctx: PipelineContext, work: (m: EntityManager, actor: Actor) => Promise<T>): Promise<T> {
  const result = await writeInTransaction(ctx, work);
  ctx.loaders = createLoaders(ctx.db.manager, ctx.tenantId); // this mutation's fields see its effects
  return result;
}

/** GraphQL args: `{ input }` for mutations and input queries. */
export type Input<T> = { input: T };
