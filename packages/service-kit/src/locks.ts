import type { EntityManager } from 'typeorm';

/**
 * A transaction-scoped advisory lock on a named key (`service:purpose:tenant:id`), held until
 * commit: serialises "check then insert" work that no row lock can cover (a first capture of an
 * email, one open deal per contact). Keys are hashed by Postgres' hashtext.
 */
export function lockKey(...parts: Array<string | number>): string {
  return parts.join(':');
}

export async function advisoryXactLock(m: EntityManager, ...parts: Array<string | number>): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey(...parts)]);
}
