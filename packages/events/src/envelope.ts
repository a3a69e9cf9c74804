import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EVENT_DATA, EventData, EventSource, EventType, SOURCES, sourceOf } from './catalog';

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  version: 1;
  source: EventSource;
  tenantId: string;
  aggregateId: string;
  occurredAt: string;
  actor?: string | null;
  traceparent?: string | null;
  data: EventData<T>;
}
/** Any event of the catalog, discriminated on `type` (what handlers receive). */
export type AnyEvent = { [T in EventType]: EventEnvelope<T> }[EventType];

const EnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.enum(Object.keys(EVENT_DATA) as [EventType, ...EventType[]]),
  version: z.literal(1),
  source: z.enum(SOURCES),
  tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  aggregateId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: z.string().nullable().optional(),
  traceparent: z.string().nullable().optional(),
  data: z.unknown(),
});

export class InvalidEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly field: string,
    reason: string,
  ) {
    super(`Invalid event ${eventType}: ${field}: ${reason}`);
    this.name = 'InvalidEventError';
  }
}

/** Validate an envelope and its data against the catalog; throws naming the type and the field. */
export function validateEvent(raw: unknown): AnyEvent {
  const type = String((raw as { type?: unknown })?.type ?? 'unknown');
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    throw new InvalidEventError(type, issue.path.join('.') || 'envelope', issue.message);
  }
  const data = EVENT_DATA[envelope.data.type].safeParse(envelope.data.data);
  if (!data.success) {
    const issue = data.error.issues[0];
    throw new InvalidEventError(type, ['data', ...issue.path].join('.'), issue.message);
  }
  if (envelope.data.source !== sourceOf(envelope.data.type)) {
    throw new InvalidEventError(type, 'source', `${envelope.data.type} is produced by ${sourceOf(envelope.data.type)}`);
  }
  return { ...envelope.data, data: data.data } as AnyEvent;
}

export interface NewEvent<T extends EventType> {
  type: T;
  tenantId: string;
  aggregateId: string;
  data: EventData<T>;
  actor?: string | null;
  traceparent?: string | null;
  occurredAt?: Date;
}

export function buildEvent<T extends EventType>(input: NewEvent<T>): EventEnvelope<T> {
  return validateEvent({
    id: randomUUID(),
    type: input.type,
    version: 1,
    source: sourceOf(input.type),
    tenantId: input.tenantId,
    aggregateId: input.aggregateId,
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    actor: input.actor ?? null,
    traceparent: input.traceparent ?? null,
    data: input.data,
  }) as EventEnvelope<T>;
}
