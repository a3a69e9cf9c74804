// docker-compose.yml and the Dockerfile are never run here (no Docker engine on dev machines or
// CI), so this test is what keeps them honest: the file is parsed and every wire of docs/architecture.md's
// distributed mode is checked, and the env names are cross-checked against the code that reads
// them, so renaming a variable (or a subgraph) without updating the compose file fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { KNOWN_EXAMPLE_SECRETS, loadConfig, requireStrongSecrets, serviceEnvSchema, subgraphManifest } from '@crm/service-kit';
import { gatewayEnvSchema, urlVariable } from '@crm/gateway';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

const composeText = read('docker-compose.yml');
const compose = parse(composeText) as Compose;
const dockerfile = read('Dockerfile');

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, unknown> | string[] };
  environment?: Record<string, unknown> | string[];
  ports?: (string | number | { target?: number; published?: number | string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  volumes?: unknown[];
  restart?: string;
  container_name?: string;
}
interface Compose {
  version?: unknown;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const SUBGRAPHS = subgraphManifest();
const SERVICE_NAMES = SUBGRAPHS.map((s) => s.name);
const APP_SERVICES = [...SERVICE_NAMES, 'gateway'];

/** environment / build.args in either compose syntax (mapping or KEY=VALUE list) as strings. */
function toMap(value: Record<string, unknown> | string[] | undefined): Record<string, string> {
  if (!value) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

/** The variables compose requires (`${X:?message}`, no default): the secrets, which must never ship a value. */
const REQUIRED_VARIABLES = ['SUBGRAPH_SECRET', 'AUTH_JWT_SECRET'];
/** What an operator sets for them (as `openssl rand -hex 32` would). */
const OPERATOR_ENV: Record<string, string> = {
  SUBGRAPH_SECRET: '6f1d3c9a7e2b5048d1c6a9e3f7b20d5c8a4e1f9b3d7c2a6e0f5b8d1c4a7e3f92',
  AUTH_JWT_SECRET: 'b83e5a1f7c9d2460e8b1a5f3c7d9e2046b8a1c5e3f7d9b2046a8c1e5f3b7d9a20',
};

/**
 * What compose makes of a value with only the required variables set: `${X:-d}` / `${X-d}` -> d,
 * `${X:?err}` -> the operator's value, `$$` -> `$`.
 */
function withDefaults(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*)|:\?[^}]*)\}/g, (m, name, def) =>
    m === '$$' ? '$' : def !== undefined ? def : OPERATOR_ENV[name],
  );
}

/** The literal expression written in the file (before interpolation). */
const rawEnv = (service: string) => toMap(compose.services[service].environment);
/** The environment a container gets with no variables set on the host. */
const env = (service: string) => Object.fromEntries(Object.entries(rawEnv(service)).map(([k, v]) => [k, withDefaults(v)]));

function dependsOn(service: string): Record<string, string> {
  const deps = compose.services[service].depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, v?.condition ?? 'service_started']));
}

function publishedPorts(service: string): { published: number; target: number }[] {
  return (compose.services[service].ports ?? []).map((p) => {
    if (typeof p === 'object') return { published: Number(p.published), target: Number(p.target) };
    const parts = String(p).split('/')[0].split(':'); // [ip:]published:target
    const target = Number(parts[parts.length - 1]);
    return { published: parts.length > 1 ? Number(parts[parts.length - 2]) : NaN, target };
  });
}

const healthcheckText = (service: string) => {
  const test = compose.services[service].healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
};

/**
 * The keys of a `z.object({ ... })` env schema in a source file, and which are required
 * (no `.optional()`, no `.default(...)`): read as text so the compose file is checked against
 * the names the code really reads.
 */
function envSchemaKeys(file: string, marker: RegExp): { all: string[]; required: string[] } {
  const source = read(file);
  const start = source.search(marker);
  expect(start).toBeGreaterThanOrEqual(0);
  const open = source.indexOf('z.object({', start);
  const close = source.indexOf('\n});', open);
  expect(open).toBeGreaterThanOrEqual(0);
  expect(close).toBeGreaterThan(open);
  const all: string[] = [];
  const required: string[] = [];
  for (const line of source.slice(open, close).split('\n')) {
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    all.push(m[1]);
    if (!/\.optional\(|\.default\(/.test(m[2])) required.push(m[1]);
  }
  return { all, required };
}

describe('docker-compose.yml', () => {
  test('uses the Compose spec (no version key) and has Postgres, Kafka, the six services and the gateway', () => {
    expect(compose.version).toBeUndefined();
    expect(SERVICE_NAMES).toEqual(['leads', 'pipeline', 'tickets', 'campaigns', 'analytics', 'access']);
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'kafka', ...APP_SERVICES].sort());
    // Every service folder of the repo is a subgraph the stack runs.
    const folders = readdirSync(path.join(root, 'services')).filter((d) => existsSync(path.join(root, 'services', d, 'package.json')));
    expect(folders.sort()).toEqual([...SERVICE_NAMES].sort());
    for (const name of Object.keys(compose.services)) expect(compose.services[name].restart).toBe('unless-stopped');
  });

  test('every app service builds from the repo Dockerfile with its SERVICE arg', () => {
    for (const name of APP_SERVICES) {
      const build = compose.services[name].build;
      expect(build).toBeDefined();
      expect(typeof build).toBe('object');
      const b = build as Exclude<typeof build, string | undefined>;
      expect(path.resolve(root, b.context ?? '.')).toBe(root);
      expect(b.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(toMap(b.args)).toEqual({ SERVICE: name });
      expect(compose.services[name].image).toBeUndefined();
      // Replicas (`--scale`) need no fixed container name.
      expect(compose.services[name].container_name).toBeUndefined();
    }
  });

  test('every ${VAR} has a default, except the secrets, which are required; all are documented in the header comment', () => {
    const header = composeText.slice(0, composeText.search(/^services:/m));
    const withoutEscapes = composeText.replace(/\$\$/g, '');
    const refs = [...withoutEscapes.matchAll(/\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    const names = new Set<string>();
    const required = new Set<string>();
    for (const ref of refs) {
      const needed = /^\{([A-Za-z_][A-Za-z0-9_]*):\?[^}]+\}$/.exec(ref);
      if (needed) {
        // `${NAME:?message}`: compose stops with the message when NAME is unset; only secrets may.
        expect(REQUIRED_VARIABLES).toContain(needed[1]);
        required.add(needed[1]);
        continue;
      }
      // `${NAME:-default}` otherwise: a bare `$NAME` / `${NAME}` has no default.
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*):-([^}]+)\}$/.exec(ref);
      expect({ ref, hasDefault: !!m }).toEqual({ ref, hasDefault: true });
      names.add(m![1]);
    }
    expect([...required].sort()).toEqual([...REQUIRED_VARIABLES].sort());
    for (const name of required) {
      expect({ name, documented: new RegExp(`^#\\s+${name}\\b`, 'm').test(header) }).toEqual({ name, documented: true });
      expect(names.has(name)).toBe(false); // never a default somewhere else
    }
    for (const name of names) {
      expect({ name, documented: new RegExp(`^#\\s+${name}\\b`, 'm').test(header) }).toEqual({ name, documented: true });
    }
    // One default per variable: two different fallbacks would silently disagree.
    for (const name of names) {
      const defaults = new Set([...composeText.matchAll(new RegExp(`\\$\\{${name}:-([^}]*)\\}`, 'g'))].map((m) => m[1]));
      expect({ name, defaults: defaults.size }).toEqual({ name, defaults: 1 });
    }
  });

  test('postgres: postgres:15 with a pg_isready healthcheck and a volume', () => {
    const pg = compose.services.postgres;
    expect(pg.image).toBe('postgres:15');
    expect(healthcheckText('postgres')).toMatch(/pg_isready/);
    expect(pg.volumes?.length).toBeGreaterThan(0);
    const volume = String(pg.volumes![0]).split(':');
    expect(volume[1]).toBe('/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes ?? {})).toContain(volume[0]);
    expect(pg.ports).toBeUndefined();
  });

  test('kafka: apache/kafka 3.9.x, single-node KRaft (broker,controller), replication factors 1', () => {
    const kafka = compose.services.kafka;
    expect(kafka.image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    const e = env('kafka');
    expect(
      e.KAFKA_PROCESS_ROLES.split(',')
        .map((r) => r.trim())
        .sort(),
    ).toEqual(['broker', 'controller']);
    expect(e.KAFKA_NODE_ID).toMatch(/^\d+$/);
    expect(e.KAFKA_CONTROLLER_QUORUM_VOTERS).toMatch(new RegExp(`^${e.KAFKA_NODE_ID}@[^:]+:\\d+$`));
    const controllerPort = e.KAFKA_CONTROLLER_QUORUM_VOTERS.split(':').pop();
    expect(e.KAFKA_CONTROLLER_LISTENER_NAMES).toBe('CONTROLLER');
    expect(e.KAFKA_LISTENERS).toContain(`CONTROLLER://:${controllerPort}`);
    expect(e.KAFKA_LISTENERS).toContain('PLAINTEXT://:9092');
    expect(e.KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://kafka:9092');
    expect(e.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',').sort()).toEqual(['CONTROLLER:PLAINTEXT', 'PLAINTEXT:PLAINTEXT']);
    expect(e.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(e.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(e.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('1');
    expect(e.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS).toBe('0');
    // KRaft formats its storage with CLUSTER_ID: it must be a base64url-encoded 16-byte UUID.
    expect(e.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(e.CLUSTER_ID, 'base64url')).toHaveLength(16);
    expect(healthcheckText('kafka')).toContain('/opt/kafka/bin/kafka-topics.sh --bootstrap-server localhost:9092 --list');
    expect(kafka.ports).toBeUndefined();
  });

  test.each(SUBGRAPHS.map((s) => [s.name, s.port, s.database] as const))(
    '%s: port, own database, secret, Kafka, healthy dependencies',
    (name, port, database) => {
      const e = env(name);
      expect(e.PORT).toBe(String(port));
      const db = new URL(e.DATABASE_URL);
      expect(db.protocol).toBe('postgres:');
      expect(db.hostname).toBe('postgres');
      expect(db.pathname).toBe(`/${database}`);
      // The services connect with the credentials the postgres container was initialised with.
      const pg = env('postgres');
      expect(decodeURIComponent(db.username)).toBe(pg.POSTGRES_USER);
      expect(decodeURIComponent(db.password)).toBe(pg.POSTGRES_PASSWORD);
      expect(rawEnv(name).SUBGRAPH_SECRET).toBe(rawEnv('gateway').SUBGRAPH_SECRET);
      expect(e.KAFKA_BROKERS).toBe('kafka:9092');
      expect(dependsOn(name)).toEqual({ postgres: 'service_healthy', kafka: 'service_healthy' });
      // Only the gateway is public.
      expect(compose.services[name].ports).toBeUndefined();
    },
  );

  test('each service env is what service-kit reads: every required variable set, nothing unknown, and it parses', () => {
    const { all, required } = envSchemaKeys('packages/service-kit/src/config.ts', /export const serviceEnvSchema\b/);
    expect(required).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'SUBGRAPH_SECRET']));
    expect(all).toEqual(expect.arrayContaining(['KAFKA_BROKERS']));
    // HOST is read outside the schema, by runServiceMain.
    expect(read('packages/service-kit/src/service.ts')).toMatch(/process\.env\.HOST\b/);
    const known = [...all, 'HOST'];
    for (const name of SERVICE_NAMES) {
      const e = env(name);
      for (const key of [...required, 'KAFKA_BROKERS'])
        expect({ service: name, key, set: !!e[key] }).toEqual({ service: name, key, set: true });
      for (const key of Object.keys(e))
        expect({ service: name, key, known: known.includes(key) }).toEqual({ service: name, key, known: true });
      // With the defaults alone, the real schema accepts the container's environment.
      const config = loadConfig(serviceEnvSchema, e);
      expect(config.KAFKA_BROKERS).toBe('kafka:9092');
      expect(config.NODE_ENV).toBe('production');
    }
  });

  test('gateway: secrets, subgraph URLs from each service PORT, port 4000 published, waits for the services', () => {
    // The real schema main.ts parses (URL variables are generated from the manifest).
    const all = Object.keys(gatewayEnvSchema.shape);
    const required = all.filter((k) => !(gatewayEnvSchema.shape as Record<string, z.ZodType>)[k].safeParse(undefined).success);
    expect(required).toEqual(expect.arrayContaining(['AUTH_JWT_SECRET', 'SUBGRAPH_SECRET']));
    const e = env('gateway');
    for (const key of required) expect({ key, set: !!e[key] }).toEqual({ key, set: true });
    // A misspelt *_URL would silently fall back to the schema's localhost default.
    for (const key of Object.keys(e)) expect({ key, known: all.includes(key) }).toEqual({ key, known: true });
    expect(e.AUTH_JWT_SECRET.length).toBeGreaterThanOrEqual(16);
    expect(e.SUBGRAPH_SECRET.length).toBeGreaterThanOrEqual(16);
    expect(e.NODE_ENV).toBe('production');
    // The secrets are the same expression (same variable, required, no default) everywhere.
    for (const name of SERVICE_NAMES) expect(rawEnv(name).SUBGRAPH_SECRET).toBe(rawEnv('gateway').SUBGRAPH_SECRET);
    expect(rawEnv('gateway').SUBGRAPH_SECRET).toMatch(/^\$\{SUBGRAPH_SECRET:\?.+\}$/);
    expect(rawEnv('gateway').AUTH_JWT_SECRET).toMatch(/^\$\{AUTH_JWT_SECRET:\?.+\}$/);
    // No published example secret ships in the file, and production refuses them at start.
    for (const example of KNOWN_EXAMPLE_SECRETS) expect(composeText).not.toContain(example);
    expect(() => requireStrongSecrets({ ...e, NODE_ENV: 'production' }, ['AUTH_JWT_SECRET', 'SUBGRAPH_SECRET'])).not.toThrow();
    expect(() => requireStrongSecrets({ ...e, SUBGRAPH_SECRET: 'change-me-subgraph-secret' }, ['SUBGRAPH_SECRET'])).toThrow(
      /published example/,
    );

    for (const name of SERVICE_NAMES) {
      const key = urlVariable(name);
      expect(all).toContain(key); // the name main.ts reads
      expect(e[key]).toBe(`http://${name}:${env(name).PORT}/graphql`);
    }
    expect(e.PORT ?? '4000').toBe('4000');
    expect(publishedPorts('gateway')).toEqual([{ published: 4000, target: 4000 }]);

    const deps = dependsOn('gateway');
    expect(Object.keys(deps).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const condition of Object.values(deps)) expect(['service_started', 'service_healthy']).toContain(condition);
    // service_healthy needs a healthcheck: the image's (Dockerfile HEALTHCHECK) when compose sets none.
    if (Object.values(deps).includes('service_healthy')) expect(dockerfile).toMatch(/^HEALTHCHECK\b/m);
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile.split(/^(?=FROM\s)/m).filter((s) => /^FROM\s/.test(s));
  const build = stages.find((st) => /^FROM \S+ AS build$/m.test(st))!;
  const runtime = stages[stages.length - 1];
  const instructions = (stage: string, name: string) =>
    stage
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((l) => new RegExp(`^${name}\\s`, 'i').test(l.trim()));

  test('multi-stage on node:20-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20-bookworm-slim\b/);
  });

  test('build stage: npm ci with every workspace manifest, npm run build, npm prune --omit=dev', () => {
    // The manifests stage gathers every workspace's package.json (found, not listed, so a new
    // service needs no Dockerfile line); the build stage installs from them before any source.
    const manifests = stages.find((st) => /^FROM \S+ AS manifests$/m.test(st));
    expect(manifests).toBeDefined();
    expect(manifests).toMatch(/cp package\.json package-lock\.json \.npmrc subgraphs\.json \/manifests\//);
    const found = /find ([\w ]+?) -name package\.json/.exec(manifests!)?.[1].split(' ') ?? [];
    const rootPkg = JSON.parse(read('package.json')) as { workspaces: string[] };
    const workspaces = rootPkg.workspaces
      .flatMap((w) => (w.endsWith('/*') ? readdirSync(path.join(root, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w]))
      .filter((w) => existsSync(path.join(root, w, 'package.json')));
    expect(workspaces.length).toBeGreaterThanOrEqual(10);
    for (const w of workspaces) {
      expect({ workspace: w, found: found.includes(w.split('/')[0]) }).toEqual({ workspace: w, found: true });
    }
    // `npm ci` fails on a workspace whose package.json was not copied before it runs.
    const ci = build.search(/^RUN npm ci\b/m);
    expect(ci).toBeGreaterThan(0);
    const copy = build.indexOf('COPY --from=manifests /manifests/ ./');
    expect(copy >= 0 && copy < ci).toBe(true);
    const runs = instructions(build, 'RUN').join('\n');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
    expect(runs).toMatch(/\bnpm prune --omit=dev\b/);
    expect(runs.indexOf('npm run build')).toBeLessThan(runs.indexOf('npm prune'));
    // What the processes read at run time besides dist/ (which holds each SDL): the manifest and the supergraph.
    expect(build).toMatch(/subgraphs\.json/);
    expect(build).toMatch(/gateway\/supergraph\.graphql/);
  });

  test('runtime stage: ARG SERVICE picks the entry point, non-root USER, HEALTHCHECK on /health', () => {
    expect(runtime).toMatch(/^ARG SERVICE\b/m);
    const users = instructions(runtime, 'USER').map((l) => l.trim().split(/\s+/)[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0', 'root:root']).not.toContain(users[users.length - 1]);
    const cmd = instructions(runtime, 'CMD').join('\n');
    expect(cmd).toContain('gateway/dist/main.js');
    expect(cmd).toContain('services/$SERVICE/dist/main.js');
    expect(cmd).toMatch(/exec node/); // node as PID 1 gets SIGTERM for a clean shutdown
    const health = instructions(runtime, 'HEALTHCHECK').join('\n');
    expect(health).toMatch(/fetch\(/);
    expect(health).toContain('/health');
    expect(health).toContain('process.env.PORT');
    // Entry points the CMD builds exist in the sources it compiles.
    expect(existsSync(path.join(root, 'gateway/src/main.ts'))).toBe(true);
    for (const name of SERVICE_NAMES) {
      expect(existsSync(path.join(root, 'services', name, 'src/main.ts'))).toBe(true);
      expect(existsSync(path.join(root, 'services', name, 'src/schema.graphql'))).toBe(true);
      expect(SUBGRAPHS.find((sg) => sg.name === name)!.schema).toBe(`services/${name}/src/schema.graphql`);
    }
  });

  test('.dockerignore keeps host builds, installs and data out of the context at every depth', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['**/node_modules', '**/dist', '**/*.tsbuildinfo', '**/coverage', '.crm-data', '.kafka', '.git']) {
      expect(patterns).toContain(p);
    }
  });
});
