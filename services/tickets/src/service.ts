import path from 'node:path';
import { RequestContext, RunningService, ServiceConfig, ServiceDefinition, startService, tenantRepository } from '@crm/service-kit';
import { entities, SlaPolicy } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { DEFAULT_SLA_POLICIES } from './domain/sla';

export type TicketsContext = RequestContext;

export const ticketsService: ServiceDefinition<TicketsContext> = {
  name: 'tickets',
  // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
  schemaFile: path.join(__dirname, 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  async provisionTenant(m, tenantId) {
    const policies = tenantRepository(m, SlaPolicy, tenantId);
    await m.save(DEFAULT_SLA_POLICIES.map((p) => policies.create({ ...p })));
  },
};

export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(ticketsService, config);
}
