import path from 'node:path';
import { RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { registerHandlers } from './events';
import { CampaignsContext, campaignsContext } from './context';

export type { CampaignsContext };

export const campaignsService: ServiceDefinition<CampaignsContext> = {
  name: 'campaigns',
  // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
  schemaFile: path.join(__dirname, 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  context: campaignsContext,
  handlers: registerHandlers,
};

/** The wired campaigns subgraph: database, outbox relay, contact and deal event handlers, HTTP. */
export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(campaignsService, config);
}
