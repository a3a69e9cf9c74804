import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { defaultFieldResolver, GraphQLSchema } from 'graphql';
import { emit } from '@crm/events';
import { randomUUID } from 'node:crypto';
import { findDomainError } from './errors';
import type { Identity } from './identity';
import type { Logger } from './logger';

/** The mutation being resolved: what its audit entry says. */
interface AuditScope {
  operation: string;
  identity: Identity;
  args: unknown;
  recorded: boolean;
}

const current = new AsyncLocalStorage<AuditScope>();
const MAX_TARGETS = 100;

/** Ids a mutation names: `id`, `*Id`, `*Ids` anywhere in its arguments, then the result's id. */
export function targetIdsOf(args: unknown, result?: unknown): string[] {
  const ids = new Set<string>();
  const walk = (value: unknown, key: string, depth: number) => {
    if (ids.size >= MAX_TARGETS || depth > 8 || value === null || value === undefined) return;
    if (typeof value === 'string' && (key === 'id' || /Ids?$/.test(key))) ids.add(value.slice(0, 100));
    else if (Array.isArray(value)) value.forEach((v) => walk(v, key, depth + 1));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k, depth + 1);
  };
  walk(args, '', 0);
  const resultId = result as { id?: unknown; apiKey?: { id?: unknown } } | null | undefined;
  const id = typeof resultId?.id === 'string' ? resultId.id : resultId?.apiKey?.id;
  if (typeof id === 'string' && ids.size < MAX_TARGETS) ids.add(id);
  return [...ids];
}

function auditEvent(scope: AuditScope, outcome: 'SUCCEEDED' | 'FAILED', result?: unknown, errorCode?: string) {
  const at = new Date();
  return {
    type: 'audit.recorded' as const,
    tenantId: scope.identity.tenantId,
    aggregateId: randomUUID(),
    actor: scope.identity.userId,
    occurredAt: at,
    data: {
      actor: scope.identity.userId.slice(0, 64),
      operation: scope.operation,
      targetIds: targetIdsOf(scope.args, result),
      outcome,
      errorCode: errorCode ?? null,
      at: at.toISOString(),
    },
  };
}

/**
 * Called by a service's write helper inside the mutation's transaction: the audit entry commits
 * (or rolls back) with the change itself.
 */
export async function recordAudit(m: EntityManager, result: unknown): Promise<void> {
  const scope = current.getStore();
  if (!scope) return;
  await emit(m, auditEvent(scope, 'SUCCEEDED', result));
  scope.recorded = true;
}

/**
 * Every mutation of a subgraph is audited: in its own transaction when the service's write
 * helper calls recordAudit, otherwise (multi-transaction work, refusals) in one of its own
 * right after; a failure is recorded after the rollback, with its code.
 */
export function auditMutations(schema: GraphQLSchema, logger: Logger): GraphQLSchema {
  const mutation = schema.getMutationType();
  for (const field of Object.values(mutation?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, context: { identity?: Identity; db?: DataSource }, info) => {
      if (!context?.identity || !context.db) return resolve(source, args, context, info);
      const scope: AuditScope = { operation: field.name, identity: context.identity, args, recorded: false };
      const db = context.db;
      const record = (outcome: 'SUCCEEDED' | 'FAILED', result?: unknown, code?: string) =>
        db
          .transaction((m) => emit(m, auditEvent(scope, outcome, result, code)))
          .catch((err) => logger.error({ err, operation: field.name }, 'audit entry lost'));
      let result: unknown;
      try {
        result = await current.run(scope, () => resolve(source, args, context, info));
      } catch (err) {
        await record('FAILED', undefined, findDomainError(err)?.code ?? 'INTERNAL_SERVER_ERROR');
        throw err;
      }
      if (!scope.recorded) await record('SUCCEEDED', result);
      return result;
    };
  }
  return schema;
}
