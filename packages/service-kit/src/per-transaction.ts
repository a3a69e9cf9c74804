import type { EntityManager } from 'typeorm';

/**
 * Values read once per transaction (keyed by its EntityManager, dropped with it): settings and
 * rules that a consumer run or a contact's moves would otherwise read again for every event.
 * Outside a transaction nothing is kept, since the data source's own manager lives as long as
 * the process. A use case that writes the row calls forget(m).
 */
export function perTransaction<T>() {
  const kept = new WeakMap<EntityManager, Map<string, T>>();
  return {
    async get(m: EntityManager, key: string, load: () => Promise<T>): Promise<T> {
      const inTransaction = !!m.queryRunner?.isTransactionActive;
      const byKey = inTransaction ? kept.get(m) : undefined;
      if (byKey?.has(key)) return byKey.get(key)!;
      const value = await load();
      if (inTransaction) kept.set(m, (byKey ?? new Map<string, T>()).set(key, value));
      return value;
    },
    forget(m: EntityManager): void {
      kept.delete(m);
    },
  };
}
