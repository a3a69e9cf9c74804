import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A real single-node Kafka broker run by tools/kafka/kafka.sh. */
export interface KafkaBroker {
  /** `127.0.0.1:<port>`, ready for `new Kafka({ brokers: [broker.brokers] })`. */
  brokers: string;
  port: number;
  dir: string;
  /** Controlled shutdown; the data in `dir` is kept. */
  stop(): Promise<void>;
  /** Start again on the same port with the same data (after `stop()`). */
  start(): Promise<void>;
}

export interface KafkaBrokerOptions {
  /** Default 9092; the controller listens on port + 10001. */
  port?: number;
  /** Default `<repo>/.kafka/<port>`. */
  dir?: string;
  /** Wipe the broker's data before the first start. */
  fresh?: boolean;
}

const repoRoot = path.resolve(__dirname, '../../..');

export function kafkaScript(): string {
  return path.join(repoRoot, 'tools/kafka/kafka.sh');
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether this machine can run the broker: java to run it, mvn to fetch its jars. */
export function canRunKafka(): boolean {
  return onPath('java') && onPath('mvn');
}

// Generous: the first start may download ~50 MB of jars; kafka.sh itself gives up on a
// broker that is not ready after 90 s, so this only catches a hung Maven.
const START_TIMEOUT_MS = 10 * 60_000;
// kafka.sh waits 30 s for a controlled shutdown, then SIGKILLs.
const STOP_TIMEOUT_MS = 60_000;

async function runScript(args: string[], timeout: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync('bash', [kafkaScript(), ...args], {
      cwd: repoRoot,
      timeout,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    // execFile's error carries the captured output; the script's log tail is in stderr.
    const e = err as Error & { stdout?: string; stderr?: string; code?: number | string };
    const output = [e.stdout?.trim() && `stdout:\n${e.stdout.trim()}`, e.stderr?.trim() && `stderr:\n${e.stderr.trim()}`]
      .filter(Boolean)
      .join('\n');
    throw new Error(`kafka.sh ${args.join(' ')} failed (${e.code ?? e.message})${output ? `\n${output}` : ''}`, {
      cause: err,
    });
  }
}

/**
 * Start (or reuse, if one already runs from `dir`) a broker and resolve once a client can use it.
 * `fresh` applies only to this first start, so `stop()` + `start()` keeps topics and offsets.
 */
export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const port = opts.port ?? 9092;
  const dir = path.resolve(opts.dir ?? path.join(repoRoot, '.kafka', String(port)));
  const brokers = `127.0.0.1:${port}`;
  const target = ['--port', String(port), '--dir', dir];

  const start = async (fresh: boolean): Promise<void> => {
    const stdout = await runScript(['start', ...target, ...(fresh ? ['--fresh'] : [])], START_TIMEOUT_MS);
    if (!stdout.includes(`KAFKA_BROKERS=${brokers}`)) {
      throw new Error(`kafka.sh start did not report KAFKA_BROKERS=${brokers}; stdout:\n${stdout}`);
    }
  };

  await start(opts.fresh ?? false);
  return {
    brokers,
    port,
    dir,
    start: () => start(false),
    stop: async () => {
      await runScript(['stop', ...target], STOP_TIMEOUT_MS);
    },
  };
}
