import type { EntityManager } from 'typeorm';
import { recordAudit, retryOnDeadlock, type Actor } from '@crm/service-kit';
import type { AccessContext } from '../context';
import type { KeyRequest } from '../domain/api-keys';
import { createApiKey, grantFor, listApiKeys, revokeApiKey, rotateApiKey } from '../use-cases/api-keys';

type Input<T> = { input: T };

/** A write in ONE transaction (the role matrix was checked from the SDL's @access before). */
function write<T>(ctx: AccessContext, work: (m: EntityManager, actor: Actor) => Promise<T>): Promise<T> {
  const actor = { tenantId: ctx.tenantId, userId: ctx.userId };
  return retryOnDeadlock(() =>
    ctx.db.transaction(async (m) => {
      const result = await work(m, actor);
      await recordAudit(m, result); // the audit entry commits with the change
      return result;
    }),
  );
}

export const apiKeyQueries = {
  apiKeys: (_: unknown, __: unknown, ctx: AccessContext) => listApiKeys(ctx.db.manager, ctx.tenantId),
  apiKeyGrant: async (_: unknown, args: { secret: string }, ctx: AccessContext) => {
    const grant = await grantFor(ctx.db.manager, args.secret);
    if (grant) ctx.usage.note(grant.keyId, new Date());
    return grant;
  },
};

export const apiKeyMutations = {
  createApiKey: (_: unknown, { input }: Input<KeyRequest>, ctx: AccessContext) => write(ctx, (m, actor) => createApiKey(m, actor, input)),
  rotateApiKey: (_: unknown, { input }: Input<{ id: string }>, ctx: AccessContext) =>
    write(ctx, (m, actor) => rotateApiKey(m, actor, input.id)),
  revokeApiKey: (_: unknown, { input }: Input<{ id: string }>, ctx: AccessContext) =>
    write(ctx, (m, actor) => revokeApiKey(m, actor, input.id, new Date())),
};
