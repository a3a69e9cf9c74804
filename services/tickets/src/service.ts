import path from 'node:path';
import { RunningService, ScheduledJob, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { registerHandlers } from './events';
import { TicketsContext, ticketsContext } from './context';
import { provisionTenant } from './use-cases/settings';
import { detectSlaBreaches } from './use-cases/breaches';

export type { TicketsContext };

/** Every minute: mark tickets past a due time and announce each breach once. */
export const slaBreachJob: ScheduledJob = {
  name: 'sla-breaches',
  everyMs: 60_000,
  run: async (db, logger) => {
    await detectSlaBreaches(db, new Date(), logger);
  },
};

export const ticketsService: ServiceDefinition<TicketsContext> = {
  name: 'tickets',
  // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
  schemaFile: path.join(__dirname, 'schema.graphql'),
  entities,
  migrations,
  resolvers,
  provisionTenant,
  context: ticketsContext,
  handlers: registerHandlers,
  jobs: [slaBreachJob],
};

/** The wired tickets subgraph: database, outbox relay, contact handlers, breach job, HTTP. */
export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(ticketsService, config);
}
