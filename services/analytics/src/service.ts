import path from 'node:path';
import { RequestContext, RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { registerHandlers } from './events';

export type AnalyticsContext = RequestContext;

export const analyticsService: ServiceDefinition<AnalyticsContext> = {
  name: 'analytics',
  // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
  schemaFile: path.join(__dirname, 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  handlers: registerHandlers,
};

export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(analyticsService, config);
}
