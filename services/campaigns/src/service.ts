import path from 'node:path';
import { RequestContext, RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';

export type CampaignsContext = RequestContext;

export const campaignsService: ServiceDefinition<CampaignsContext> = {
  name: 'campaigns',
  schemaFile: path.join(__dirname, '../src/schema.graphql'),
  entities,
  migrations,
  resolvers,
};

export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(campaignsService, config);
}
