import path from 'node:path';
import { RequestContext, RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { provisionDefaultPipeline } from './pipelines';

export type PipelineContext = RequestContext;

export const pipelineService: ServiceDefinition<PipelineContext> = {
  name: 'pipeline',
  schemaFile: path.join(__dirname, '../src/schema.graphql'),
  entities,
  migrations,
  resolvers,
  provisionTenant: provisionDefaultPipeline,
};

export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(pipelineService, config);
}
