import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createLogger, openDatabase } from '@crm/service-kit';
import { testDatabase, TestDatabase } from '@crm/testing';
import {
  emit,
  EventConsumer,
  eventsMigrations,
  EventTransport,
  InProcessTransport,
  KafkaTransport,
  OutboxRelay,
  TransportMessage,
} from '../src';

export type TransportKind = 'in-process' | 'kafka';

/** A contact.lifecycle_stage_changed to write with emit (the events tests' usual event). */
export const stageChangeEvent = (aggregateId: string, to = 'LEAD', tenantId = 't') => ({
  type: 'contact.lifecycle_stage_changed' as const,
  tenantId,
  aggregateId,
  data: { from: null, to: to as 'LEAD', reason: null, source: 'API' as const, at: new Date().toISOString() },
});

/** Commits one stage change through emit, in its own transaction. */
export const commitStageChange = (db: DataSource, aggregateId: string, to = 'LEAD', tenantId = 't') =>
  db.transaction((m) => emit(m, stageChangeEvent(aggregateId, to, tenantId)));

/** What the test consumer saw, in arrival order. */
class SeenTable1700000009000 implements MigrationInterface {
  name = 'SeenTable1700000009000';
  async up(q: QueryRunner) {
    await q.query(
      `CREATE TABLE seen (seq bigserial PRIMARY KEY, event_id uuid NOT NULL, contact_id text NOT NULL, to_stage text NOT NULL)`,
    );
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE seen');
  }
}

export const logger = createLogger('events-test', process.env.TEST_LOG_LEVEL ?? 'silent');

export function makeTransport(kind: TransportKind, namespace: string, brokers = process.env.KAFKA_BROKERS): EventTransport {
  if (kind === 'in-process') {
    const bus = new InProcessTransport();
    bus.open();
    return bus;
  }
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: Kafka tests need a real broker');
  return new KafkaTransport({
    clientId: `events-test-${namespace}`,
    brokers: brokers.split(','),
    logger,
    namespace,
    publishTimeoutMs: 3000,
  });
}

export interface Harness {
  db: DataSource;
  database: TestDatabase;
  transport: EventTransport;
  relay: OutboxRelay;
  consumer: EventConsumer;
  /** Aggregates whose events the test handler refuses (to exercise retries and the DLQ). */
  poisoned: Set<string>;
  stageChange(contactId: string, to: string): Promise<void>;
  seen(): Promise<Array<{ event_id: string; contact_id: string; to_stage: string }>>;
  stop(): Promise<void>;
}

/**
 * A producer database with the outbox, its relay, and a consumer that records every
 * contact.lifecycle_stage_changed it applies — over the chosen transport.
 */
export async function startHarness(kind: TransportKind, opts: { transport?: EventTransport; maxAttempts?: number } = {}): Promise<Harness> {
  const namespace = `ev${randomBytes(4).toString('hex')}`;
  const database = testDatabase(`events_${kind.replace('-', '_')}`);
  const db = await openDatabase({ url: database.url, entities: [], migrations: [...eventsMigrations, SeenTable1700000009000] });
  const transport = opts.transport ?? makeTransport(kind, namespace);
  const poisoned = new Set<string>();
  const consumer = new EventConsumer({
    name: 'test-consumer',
    dataSource: db,
    transport,
    logger,
    maxAttempts: opts.maxAttempts ?? 3,
    baseBackoffMs: 5,
  });
  consumer.handle('contact.lifecycle_stage_changed', async (event, m) => {
    if (poisoned.has(event.aggregateId)) throw new Error(`refusing ${event.aggregateId}`);
    await m.query('INSERT INTO seen (event_id, contact_id, to_stage) VALUES ($1, $2, $3)', [event.id, event.aggregateId, event.data.to]);
  });
  await consumer.start();
  const relay = new OutboxRelay({ databaseUrl: database.url, transport, logger, pollMs: 300, maxBackoffMs: 500 });
  await relay.start();
  return {
    db,
    database,
    transport,
    relay,
    consumer,
    poisoned,
    stageChange: async (contactId, to) => {
      await commitStageChange(db, contactId, to, 'events-test');
    },
    seen: () => db.query('SELECT event_id, contact_id, to_stage FROM seen ORDER BY seq'),
    async stop() {
      await relay.stop();
      await transport.close();
      await db.destroy();
      await database.drop();
    },
  };
}

/** Read every message of `topic` (a catalog topic, e.g. a DLQ) through a transport of the same kind. */
export async function collect(transport: EventTransport, topic: string): Promise<TransportMessage[]> {
  const got: TransportMessage[] = [];
  await transport.subscribe(`reader-${randomUUID()}`, [topic], async (batch) => {
    got.push(...batch);
  });
  return got;
}
