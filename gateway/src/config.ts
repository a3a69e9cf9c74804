import { z } from 'zod';
import { env } from '@crm/service-kit';
import { SUBGRAPHS, urlVariable } from './compose';

const url = z.url({ protocol: /^https?$/ });

/** What the gateway process reads from its environment (docs/architecture.md, distributed mode). */
export const gatewayEnvSchema = z.object({
  PORT: env.port.default(4000),
  HOST: z.string().default('0.0.0.0'),
  AUTH_JWT_SECRET: env.secret,
  SUBGRAPH_SECRET: env.secret,
  // Longest accepted token lifetime (exp - iat) in seconds; optional iss / aud checks.
  AUTH_JWT_MAX_TTL: z.coerce
    .number()
    .int()
    .min(60)
    .max(366 * 24 * 3600)
    .default(24 * 3600),
  AUTH_JWT_ISSUER: z.string().optional(),
  AUTH_JWT_AUDIENCE: z.string().optional(),
  // off: every subgraph call goes out even when an identical one of the same caller is in flight.
  SUBGRAPH_DEDUPE: z.enum(['on', 'off']).default('on'),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  // Rate limits shared across replicas through Redis when set (in memory otherwise).
  REDIS_URL: z.string().optional(),
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: env.logLevel,
  // <NAME>_URL per subgraph of the manifest, defaulting to its port on this host.
  ...Object.fromEntries(SUBGRAPHS.map((s) => [urlVariable(s.name), url.default(`http://localhost:${s.port}/graphql`)])),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
