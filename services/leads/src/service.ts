import path from 'node:path';
import { RequestContext, RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { createLoaders, LeadsLoaders } from './loaders';
import { registerHandlers } from './events';
import { provisionLeadSettings } from './use-cases/settings';
import { runChurnCheck } from './use-cases/churn';

export interface LeadsContext extends RequestContext {
  loaders: LeadsLoaders;
}

export const leadsService: ServiceDefinition<LeadsContext> = {
  name: 'leads',
  // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
  schemaFile: path.join(__dirname, 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  provisionTenant: provisionLeadSettings,
  context: (base) => ({ ...base, loaders: createLoaders(base.db.manager, base.tenantId) }),
  handlers: registerHandlers,
  jobs: [{ name: 'churn-check', everyMs: 60 * 60 * 1000, run: (db, logger) => runChurnCheck(db, new Date(), logger).then(() => undefined) }],
};

/** The wired leads subgraph: database, outbox relay, event handlers, scheduled rules, HTTP. */
export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(leadsService, config);
}
