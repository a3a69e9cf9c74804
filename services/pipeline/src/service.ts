import path from 'node:path';
import { RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { registerHandlers } from './events';
import { PipelineContext, pipelineContext } from './context';
import { provisionTenant } from './use-cases/provisioning';

export type { PipelineContext };

export const pipelineService: ServiceDefinition<PipelineContext> = {
  name: 'pipeline',
  // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
  schemaFile: path.join(__dirname, 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  provisionTenant,
  context: pipelineContext,
  handlers: registerHandlers,
};

/** The wired pipeline subgraph: database, outbox relay, contact event handlers, HTTP. */
export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(pipelineService, config);
}
