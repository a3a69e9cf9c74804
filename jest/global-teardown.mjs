import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { TEST_KAFKA_PORT } from './test-kafka.mjs';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

// Stop only what global-setup started.
export default async function globalTeardown() {
  const started = globalThis.__crmStarted ?? {};
  if (started.kafka) {
    execFileSync('bash', [path.join(root, 'tools/kafka/kafka.sh'), 'stop', '--port', TEST_KAFKA_PORT, '--dir', started.kafka.dir], {
      stdio: 'inherit',
    });
  }
  if (started.postgres) {
    await started.postgres.pg.stop();
    rmSync(started.postgres.dir, { recursive: true, force: true });
  }
}
