import path from 'node:path';
import { RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { registerHandlers } from './events';
import { AccessContext, accessContext } from './context';
import { KeyUsage } from './use-cases/api-keys';

export type { AccessContext } from './context';

/** How often key uses (lastUsedAt) are written. */
export const USAGE_FLUSH_MS = 2000;

export function accessDefinition(): ServiceDefinition<AccessContext> {
  const usage = new KeyUsage();
  return {
    name: 'access',
    // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
    schemaFile: path.join(__dirname, 'schema.graphql'),
    entities,
    migrations,
    resolvers,
    handlers: (consumer) => registerHandlers(consumer),
    jobs: [{ name: 'api-key-usage', everyMs: USAGE_FLUSH_MS, run: async (db) => void (await usage.flush(db.manager)) }],
    context: (base) => accessContext(base, usage),
  };
}

export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(accessDefinition(), config);
}
