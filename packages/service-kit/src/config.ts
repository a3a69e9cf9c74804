import { z } from 'zod';

/** A bad or missing environment variable: main.ts prints `message` alone and exits 1. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'must be a postgres:// URL');
const secret = z.string().min(16, 'must be at least 16 characters');
const brokers = z
  .string()
  .refine((v) => v.split(',').every((b) => /^[^\s:,]+:\d{1,5}$/.test(b.trim())), 'must be host:port[,host:port...]');

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const env = { port, postgresUrl, secret, brokers, logLevel };

/** Settings every subgraph process reads (docs/architecture.md). */
export const serviceEnvSchema = z.object({
  PORT: port,
  DATABASE_URL: postgresUrl,
  SUBGRAPH_SECRET: secret,
  KAFKA_BROKERS: brokers.optional(),
  /** Connections of the service's database pool (the relay's LISTEN connection comes on top). */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: logLevel,
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});
export type ServiceEnv = z.infer<typeof serviceEnvSchema>;

/**
 * Parse `source` with `schema`, failing with one line that names the first bad variable.
 * Empty strings count as unset so `FOO= node main.js` reports "is required", not a parse error.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') cleaned[k] = v;
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const variable = String(issue.path[0] ?? 'environment');
  const missing = cleaned[variable] === undefined;
  throw new ConfigError(variable, missing ? 'is required' : issue.message.replace(/^Invalid input: /, ''));
}

/** Used by every main.ts: a config error is one line on stderr, never a stack trace. */
export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

/** Secrets published in this repository (docker-compose.yml, README.md, the test kit): never valid in production. */
export const KNOWN_EXAMPLE_SECRETS = [
  'change-me-subgraph-secret',
  'change-me-auth-jwt-secret',
  'test-subgraph-secret-0123456789',
  'test-jwt-secret-0123456789abcdef',
];
export const MIN_SECRET_BITS = 128;

/** A rough upper bound of a secret's entropy: its length times log2 of the alphabet its classes span. */
export function estimateSecretBits(value: string): number {
  let pool = 0;
  if (/[a-z]/.test(value)) pool += 26;
  if (/[A-Z]/.test(value)) pool += 26;
  if (/[0-9]/.test(value)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(value)) pool += 33;
  return pool ? [...value].length * Math.log2(pool) : 0;
}

/** Why `value` is not fit to be a production secret, or undefined when it is. */
export function weakSecretReason(value: string): string | undefined {
  const lowered = value.toLowerCase();
  if (KNOWN_EXAMPLE_SECRETS.some((s) => lowered === s) || /change[-_ ]?me/.test(lowered)) return 'is a published example secret';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((c) => c.test(value)).length;
  if (classes < 2) return 'uses one class of characters only';
  if (new Set(value).size < 10) return 'repeats characters';
  // A run of one character adds next to nothing: counted once. (Refusing any run of four would
  // refuse 1.5 % of `openssl rand -hex 32` secrets, which hold one by chance.)
  const bits = estimateSecretBits(value.replace(/(.)\1{2,}/g, '$1'));
  if (bits < MIN_SECRET_BITS) return `has about ${Math.floor(bits)} bits of entropy, fewer than ${MIN_SECRET_BITS}`;
  return undefined;
}

/**
 * With NODE_ENV=production, refuse at start any of `names` that is a published example or looks
 * guessable (`openssl rand -hex 32` passes). Throws ConfigError: one line, exit 1.
 */
export function requireStrongSecrets(config: Record<string, unknown>, names: string[]): void {
  if (config.NODE_ENV !== 'production') return;
  for (const name of names) {
    const value = config[name];
    if (typeof value !== 'string') continue;
    const reason = weakSecretReason(value);
    if (reason) throw new ConfigError(name, `${reason} (NODE_ENV=production; generate one with: openssl rand -hex 32)`);
  }
}
