import path from 'node:path';
import { RequestContext, RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';

export type LeadsContext = RequestContext;

export const leadsService: ServiceDefinition<LeadsContext> = {
  name: 'leads',
  schemaFile: path.join(__dirname, '../src/schema.graphql'),
  entities,
  migrations,
  resolvers,
};

/** The wired leads subgraph: database, outbox relay, event handlers, HTTP. */
export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(leadsService, config);
}
