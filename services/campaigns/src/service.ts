import path from 'node:path';
import { RequestContext, RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';

export type CampaignsContext = RequestContext;

export const campaignsService: ServiceDefinition<CampaignsContext> = {
  name: 'campaigns',
  // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
  schemaFile: path.join(__dirname, 'schema.graphql'),
  entities,
  migrations,
  resolvers,
};

export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(campaignsService, config);
}
