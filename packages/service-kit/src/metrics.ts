import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { EventConsumer, EventTransport, KafkaTransport } from '@crm/events';
import { COUNT_UNSENT_SQL } from '@crm/events';
import type { Logger } from './logger';
import { observeQuery } from './database';

/** Distinct operation labels per process before new names are counted as "other" (cardinality bound). */
const MAX_OPERATION_LABELS = 500;

export type OperationOutcome = 'success' | 'error' | 'invalid';

/**
 * Request rate and latency per GraphQL operation (`crm_graphql_requests_total`,
 * `crm_graphql_request_duration_seconds`). Outcome: `success`, `error` (the answer carries
 * errors) or `invalid` (never executed).
 */
export function graphqlOperationMetrics(service: string, registry: Registry) {
  const requests = new Counter({
    name: 'crm_graphql_requests_total',
    help: 'GraphQL operations handled, by operation and outcome',
    labelNames: ['service', 'operation', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'crm_graphql_request_duration_seconds',
    help: 'GraphQL operation duration, from parse to response',
    labelNames: ['service', 'operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const seen = new Set<string>();
  const label = (name: string | null | undefined) => {
    const op = name ? name.slice(0, 100) : '(anonymous)';
    if (seen.has(op)) return op;
    if (seen.size >= MAX_OPERATION_LABELS) return 'other';
    seen.add(op);
    return op;
  };
  return {
    /** One operation handled, `started` its process.hrtime.bigint() at arrival. */
    record(operationName: string | null | undefined, outcome: OperationOutcome, started: bigint) {
      const operation = label(operationName);
      requests.inc({ service, operation, outcome });
      duration.observe({ service, operation }, Number(process.hrtime.bigint() - started) / 1e9);
    },
  };
}
export type OperationMetrics = ReturnType<typeof graphqlOperationMetrics>;

/** The operation metrics as an Apollo Server plugin (the gateway), with the operation name on the request's logger. */
export function graphqlMetricsPlugin<C extends BaseContext>(operations: OperationMetrics): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let executed = false;
      return {
        async didResolveOperation(rc) {
          executed = true;
          const logger = (rc.contextValue as { logger?: Logger }).logger;
          logger?.setBindings({ operation: rc.operationName ?? '(anonymous)' });
        },
        async willSendResponse(rc) {
          const body = rc.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          const outcome = !executed ? 'invalid' : errors?.length ? 'error' : 'success';
          operations.record(rc.operationName ?? rc.request.operationName, outcome, started);
        },
      };
    },
  };
}

export interface ServiceMetricsSources {
  service: string;
  db: DataSource;
  consumer: EventConsumer;
  transport: EventTransport;
  logger: Logger;
}

/**
 * A service's operational gauges, all read on scrape: the outbox backlog and the age of its
 * oldest unsent event, dead letters, the DB pool, and (Kafka only) consumer lag per partition.
 */
export function registerServiceMetrics(registry: Registry, src: ServiceMetricsSources): void {
  const { service, db } = src;
  const labels = { service };
  new Gauge({
    name: 'crm_outbox_backlog_events',
    help: 'Outbox events committed but not yet published',
    labelNames: ['service'],
    registers: [registry],
    async collect() {
      const [row] = await observeQuery<Array<{ n: number }>>(db, COUNT_UNSENT_SQL);
      this.set(labels, row.n);
    },
  });
  new Gauge({
    name: 'crm_outbox_oldest_unsent_age_seconds',
    help: 'Age of the first unpublished outbox event in publish order (0 when none)',
    labelNames: ['service'],
    registers: [registry],
    async collect() {
      const [row] = await observeQuery<Array<{ age: string }>>(
        db,
        // The first event in publish order: one row by primary key, however long the queue.
        `SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
           FROM crm_outbox WHERE seq = (SELECT min(seq) FROM crm_outbox_pending)`,
      );
      this.set(labels, Number(row.age));
    },
  });
  new Counter({
    name: 'crm_dead_letters_total',
    help: 'Events this service gave up on (moved to the dead-letter topic and table)',
    labelNames: ['service'],
    registers: [registry],
    async collect() {
      const [row] = await observeQuery<Array<{ n: number }>>(db, 'SELECT count(*)::int AS n FROM crm_dead_letters');
      this.reset();
      this.inc(labels, row.n);
    },
  });
  new Gauge({
    name: 'crm_db_pool_connections',
    help: 'Database pool connections by state (active, idle, waiting clients)',
    labelNames: ['service', 'state'],
    registers: [registry],
    collect() {
      const pool = (db.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
      if (!pool) return;
      this.set({ service, state: 'active' }, pool.totalCount - pool.idleCount);
      this.set({ service, state: 'idle' }, pool.idleCount);
      this.set({ service, state: 'waiting' }, pool.waitingCount);
    },
  });
  if (src.transport.kind !== 'kafka' || !src.consumer.topics.length) return;
  const kafka = src.transport as KafkaTransport;
  new Gauge({
    name: 'crm_consumer_lag_messages',
    help: "Messages not yet consumed by this service's consumer group, per partition",
    labelNames: ['service', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      try {
        const lags = await kafka.consumerLag(service, src.consumer.topics);
        this.reset();
        for (const l of lags) this.set({ service, topic: l.topic, partition: String(l.partition) }, l.lag);
      } catch (err) {
        src.logger.warn({ err: (err as Error).message }, 'consumer lag unavailable');
      }
    },
  });
}
