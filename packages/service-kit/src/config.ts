import { z } from 'zod';

/** A bad or missing environment variable: main.ts prints `message` alone and exits 1. */
export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'must be a postgres:// URL');
const secret = z.string().min(16, 'must be at least 16 characters');
const brokers = z
  .string()
  .refine((v) => v.split(',').every((b) => /^[^\s:,]+:\d{1,5}$/.test(b.trim())), 'must be host:port[,host:port...]');

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const env = { port, postgresUrl, secret, brokers, logLevel };

/** Settings every subgraph process reads (DESIGN §8). */
export const serviceEnvSchema = z.object({
  PORT: port,
  DATABASE_URL: postgresUrl,
  SUBGRAPH_SECRET: secret,
  KAFKA_BROKERS: brokers.optional(),
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
