import path from 'node:path';
import { RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { registerHandlers } from './events';
import { LeadsContext, leadsContext } from './context';
import { provisionLeadSettings } from './use-cases/settings';
import { runChurnCheck } from './use-cases/churn';

export type { LeadsContext };

export const leadsService: ServiceDefinition<LeadsContext> = {
  name: 'leads',
  // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
  schemaFile: path.join(__dirname, 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  provisionTenant: provisionLeadSettings,
  context: leadsContext,
  handlers: registerHandlers,
  // The CSV travels in the request: up to 16 MB (the row cap is the import's own).
  largeBodyFields: ['importContacts'],
  jobs: [
    { name: 'churn-check', everyMs: 60 * 60 * 1000, run: (db, logger) => runChurnCheck(db, new Date(), logger).then(() => undefined) },
  ],
};

/** The wired leads subgraph: database, outbox relay, event handlers, scheduled rules, HTTP. */
export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(leadsService, config);
}
