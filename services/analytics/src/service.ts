import path from 'node:path';
import type { DataSource } from 'typeorm';
import { EventHistory, KafkaTransport, OutboxHistory } from '@crm/events';
import { createLogger, RunningService, ServiceConfig, ServiceDefinition, startService } from '@crm/service-kit';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { registerHandlers } from './events';
import { AnalyticsContext, analyticsContext } from './context';
import { rebuildReadModels } from './use-cases/rebuild';

export type { AnalyticsContext } from './context';

/**
 * Where a rebuild replays from: the Kafka topics in the distributed mode, the producers'
 * outboxes (their retained history) in the embedded mode.
 */
export function eventHistoryFor(config: ServiceConfig): EventHistory | undefined {
  if (config.transport instanceof KafkaTransport) {
    const kafka = config.transport;
    return { open: (topics, handler) => kafka.openHistory(topics, handler) };
  }
  return config.replayDatabaseUrls?.length ? new OutboxHistory(config.replayDatabaseUrls) : undefined;
}

export function analyticsDefinition(config: ServiceConfig): ServiceDefinition<AnalyticsContext> {
  const history = eventHistoryFor(config);
  const logger = config.logger ?? createLogger('analytics');
  let db: DataSource | undefined;
  const rebuild = history ? () => rebuildReadModels({ db: db!, history, transport: config.transport, logger }) : undefined;
  return {
    name: 'analytics',
    // Beside this file: src/ in tests, dist/ once built (the build copies the SDL there).
    schemaFile: path.join(__dirname, 'schema.graphql'),
    entities,
    migrations,
    resolvers,
    handlers: (consumer, dataSource) => {
      db = dataSource;
      registerHandlers(consumer);
    },
    context: (base) => analyticsContext(base, rebuild),
  };
}

export function createService(config: ServiceConfig): Promise<RunningService> {
  return startService(analyticsDefinition(config), config);
}
