import {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  EventSubscriber,
  MigrationInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
  TransactionStartEvent,
} from 'typeorm';
import { EventType, topicOf } from './catalog';
import type { TransportMessage } from './transport';
import { buildEvent, EventEnvelope, NewEvent } from './envelope';
import { activeTraceparent } from './tracing';

export const OUTBOX_CHANNEL = 'crm_outbox';

/** A crm_outbox row as the relay and the history reader select it. */
export interface OutboxRow {
  seq: string;
  event_id: string;
  topic: string;
  message_key: string;
  event_type: string;
  /** The envelope's JSON exactly as it was written (the column is `json`: kept as text). */
  payload: string;
  traceparent: string | null;
}
export const OUTBOX_ROW_COLUMNS =
  "seq, event_id, topic, message_key, event_type, payload::text AS payload, payload->>'traceparent' AS traceparent";

/**
 * How many events are committed and not yet published: the rows of the unsent queue
 * (crm_outbox_pending; see EventsOutboxPending1700000000002).
 */
export const COUNT_UNSENT_SQL = 'SELECT count(*)::int AS n FROM crm_outbox_pending';

/** The message a row becomes on any transport: id and type (and the trace context) in headers. */
export function outboxMessage(r: OutboxRow): TransportMessage {
  const headers: Record<string, string> = { 'event-id': r.event_id, 'event-type': r.event_type };
  if (r.traceparent) headers.traceparent = r.traceparent;
  return { topic: r.topic, key: r.message_key, value: r.payload, headers };
}

/** Outbox, processed-events and dead-letter tables: every service database has them. */
export class EventsMigration1700000000001 implements MigrationInterface {
  name = 'EventsMigration1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE crm_outbox (
      seq bigserial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      topic text NOT NULL,
      message_key text NOT NULL,
      event_type text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz)`);
    await q.query('CREATE INDEX crm_outbox_unsent ON crm_outbox (seq) WHERE sent_at IS NULL');
    await q.query('CREATE INDEX crm_outbox_sent_at ON crm_outbox (sent_at) WHERE sent_at IS NOT NULL');
    await q.query(`CREATE TABLE crm_processed_events (
      consumer text NOT NULL,
      event_id uuid NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id))`);
    await q.query(`CREATE TABLE crm_dead_letters (
      id bigserial PRIMARY KEY,
      consumer text NOT NULL,
      topic text NOT NULL,
      event_id text,
      event_type text,
      error text NOT NULL,
      attempts int NOT NULL,
      payload text NOT NULL,
      failed_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE crm_dead_letters; DROP TABLE crm_processed_events; DROP TABLE crm_outbox');
  }
}

/**
 * The unsent rows are a queue of their own: `crm_outbox_pending` holds the seq of every row not
 * yet published, written with the row, and the relay deletes the seqs it has published. The
 * relay used to mark each row sent instead (`sent_at`, with a partial index for each state):
 * that rewrote the whole row, payload included, and its four index entries once more, about a
 * third of the WAL of a write-heavy run (an import); a narrow row deleted costs a few bytes.
 * Sent rows are pruned by age (`created_at`, a BRIN index: rows arrive in time order), never
 * while still queued. The payload becomes `json`, kept as the text it was written: the relay sends
 * that text as the message, where it parsed a `jsonb` value and serialized it again per event.
 */
export class EventsOutboxPending1700000000002 implements MigrationInterface {
  name = 'EventsOutboxPending1700000000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE crm_outbox_pending (seq bigint PRIMARY KEY)');
    await q.query('INSERT INTO crm_outbox_pending (seq) SELECT seq FROM crm_outbox WHERE sent_at IS NULL');
    await q.query('DROP INDEX crm_outbox_unsent');
    await q.query('DROP INDEX crm_outbox_sent_at');
    await q.query('ALTER TABLE crm_outbox DROP COLUMN sent_at');
    await q.query('CREATE INDEX crm_outbox_created_at ON crm_outbox USING brin (created_at)');
    await q.query('ALTER TABLE crm_outbox ALTER COLUMN payload TYPE json USING payload::json');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE crm_outbox ALTER COLUMN payload TYPE jsonb USING payload::jsonb');
    await q.query('DROP INDEX crm_outbox_created_at');
    await q.query('ALTER TABLE crm_outbox ADD COLUMN sent_at timestamptz');
    await q.query(
      'UPDATE crm_outbox o SET sent_at = o.created_at WHERE NOT EXISTS (SELECT 1 FROM crm_outbox_pending p WHERE p.seq = o.seq)',
    );
    await q.query('CREATE INDEX crm_outbox_unsent ON crm_outbox (seq) WHERE sent_at IS NULL');
    await q.query('CREATE INDEX crm_outbox_sent_at ON crm_outbox (sent_at) WHERE sent_at IS NOT NULL');
    await q.query('DROP TABLE crm_outbox_pending');
  }
}

/** The event tables' migrations, in order: every service database lists them before its own. */
export const eventsMigrations = [EventsMigration1700000000001, EventsOutboxPending1700000000002];

/**
 * Write an event into the caller's transaction (`manager` must be transactional). It becomes
 * visible to the relay only if that transaction commits; NOTIFY is likewise delivered on commit.
 */
export async function emit<T extends EventType>(manager: EntityManager, input: NewEvent<T>): Promise<EventEnvelope<T>> {
  const [event] = await emitMany(manager, [input]);
  return event as EventEnvelope<T>;
}

/**
 * Many events, in the given order. On a data source with the OutboxFlush subscriber (every
 * service's) they wait in the transaction and are written by one statement just before it
 * commits: a use case that emits three events, or a consumer run that emits hundreds, pays
 * one insert. Elsewhere they are written at once.
 */
export async function emitMany(manager: EntityManager, inputs: Array<NewEvent<EventType>>): Promise<EventEnvelope[]> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new Error(`emit(${inputs[0]?.type}) must run inside a transaction with the state change`);
  }
  if (!inputs.length) return [];
  // The request (or event) that caused these: the relay and the consumers continue its trace.
  const traceparent = activeTraceparent();
  const events = inputs.map((input) => buildEvent({ ...input, traceparent: input.traceparent ?? traceparent }));
  if (flushesOnCommit(manager)) {
    const pending = pendingEvents.get(runner);
    if (pending) pending.push(...events);
    else pendingEvents.set(runner, [...events]);
  } else await insertOutboxRows(manager, events);
  return events;
}

/** Events emitted in a transaction (since its last savepoint), not yet written. */
const pendingEvents = new WeakMap<QueryRunner, EventEnvelope[]>();
const flushing = new WeakMap<DataSource, boolean>();

function flushesOnCommit(manager: EntityManager): boolean {
  const ds = manager.connection;
  let known = flushing.get(ds);
  if (known === undefined) flushing.set(ds, (known = ds.subscribers.some((s) => s instanceof OutboxFlush)));
  return known;
}

async function flushPending(runner: QueryRunner): Promise<void> {
  const events = pendingEvents.get(runner);
  if (!events?.length) return;
  pendingEvents.delete(runner);
  await insertOutboxRows(runner.manager, events);
}

const depthOf = (runner: QueryRunner) => (runner as unknown as { transactionDepth: number }).transactionDepth;

/**
 * Writes a transaction's pending events just before it commits; forgets them when it rolls
 * back. A savepoint first writes what is pending, so rolling back to it drops only what was
 * emitted after it, as a direct write would.
 */
@EventSubscriber()
export class OutboxFlush implements EntitySubscriberInterface {
  async beforeTransactionStart(event: TransactionStartEvent): Promise<void> {
    if (depthOf(event.queryRunner) > 0) await flushPending(event.queryRunner);
  }
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    if (depthOf(event.queryRunner) === 1) await flushPending(event.queryRunner);
  }
  async beforeTransactionRollback(event: TransactionRollbackEvent): Promise<void> {
    pendingEvents.delete(event.queryRunner);
  }
}

/** Events per outbox statement: one statement's parameters stay a few hundred KB. */
const OUTBOX_INSERT_SLICE = 500;

async function insertOutboxRows(manager: EntityManager, events: EventEnvelope[]): Promise<void> {
  for (let i = 0; i < events.length; i += OUTBOX_INSERT_SLICE) await insertOutboxSlice(manager, events.slice(i, i + OUTBOX_INSERT_SLICE));
}

/**
 * Up to this many events, a statement of their own shape with one parameter per value: it runs
 * prepared (parsed and planned once per connection), where a statement with array parameters is
 * planned on every call. Most transactions emit one to three events.
 */
const FIXED_SHAPE_MAX = 8;
const fixedShape: string[] = [];

/**
 * One statement around an insert of outbox rows (`... RETURNING seq`): their seqs join the unsent
 * queue, and the NOTIFY (delivered on commit) rides along.
 */
const queuedAndNotified = (insertReturningSeq: string) => `WITH inserted AS (${insertReturningSeq}),
     queued AS (INSERT INTO crm_outbox_pending (seq) SELECT seq FROM inserted)
     SELECT pg_notify('${OUTBOX_CHANNEL}', '')`;

/** `INSERT ... VALUES` of `n` rows, queued and notified. */
function fixedShapeInsert(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const p = 5 * i;
    return `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::json)`;
  });
  return queuedAndNotified(
    `INSERT INTO crm_outbox (event_id, topic, message_key, event_type, payload) VALUES ${rows.join(', ')} RETURNING seq`,
  );
}

/** Many rows: the short columns as arrays, the envelopes as one json array, zipped in order. */
const ARRAY_INSERT = queuedAndNotified(`INSERT INTO crm_outbox (event_id, topic, message_key, event_type, payload)
       SELECT e, t, k, ty, p
         FROM ROWS FROM (unnest($1::uuid[], $2::text[], $3::text[], $4::text[]), json_array_elements($5::json))
              WITH ORDINALITY AS u(e, t, k, ty, p, ord) ORDER BY ord
       RETURNING seq`);

async function insertOutboxSlice(manager: EntityManager, events: EventEnvelope[]): Promise<void> {
  // Rows are inserted in the order given (VALUES in list order, the array form ORDER BY its
  // position): seq, the publish order, follows the order of `events`.
  if (events.length <= FIXED_SHAPE_MAX) {
    const text = (fixedShape[events.length] ??= fixedShapeInsert(events.length));
    await manager.query(
      text,
      events.flatMap((e) => [e.id, topicOf(e.source), e.aggregateId, e.type, JSON.stringify(e)]),
    );
    return;
  }
  // Many: the envelopes travel as ONE json array. Postgres checks it once, in linear time, and
  // each element is the row's payload, its text as written. (As text[] every payload was escaped
  // by the driver and parsed as an array element first; as jsonb[] the parse grew faster than
  // the array.) The short columns travel as arrays beside it.
  await manager.query(ARRAY_INSERT, [
    events.map((e) => e.id),
    events.map((e) => topicOf(e.source)),
    events.map((e) => e.aggregateId),
    events.map((e) => e.type),
    JSON.stringify(events),
  ]);
}
