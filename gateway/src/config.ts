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
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: env.logLevel,
  // <NAME>_URL per subgraph of the manifest, defaulting to its port on this host.
  ...Object.fromEntries(SUBGRAPHS.map((s) => [urlVariable(s.name), url.default(`http://localhost:${s.port}/graphql`)])),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
