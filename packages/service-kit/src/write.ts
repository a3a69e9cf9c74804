import type { EntityManager } from 'typeorm';
import { recordAudit } from './audit';
import type { Actor } from './identity';
import { retryOnDeadlock } from './retry';
import type { RequestContext } from './service';

/**
 * A mutation's write, the same in every service: the use case runs in ONE transaction with its
 * outbox events and its audit entry, retried whole if Postgres broke a deadlock. (Who may call
 * it was decided by the SDL's @access before the resolver ran.)
 */
export function writeInTransaction<T>(ctx: RequestContext, work: (m: EntityManager, actor: Actor) => Promise<T>): Promise<T> {
  const actor: Actor = { tenantId: ctx.tenantId, userId: ctx.userId };
  return retryOnDeadlock(() =>
    ctx.db.transaction(async (m) => {
      const result = await work(m, actor);
      await recordAudit(m, result); // the audit entry commits with the change
      return result;
    }),
  );
}
