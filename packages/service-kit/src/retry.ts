import { isTransientConflict } from './errors';

const ATTEMPTS = 3;

/**
 * Concurrent writes can lock rows in different orders; when Postgres breaks a deadlock (or a
 * serialization failure) it rolls one transaction back entirely, so running it again is safe.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !isTransientConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
