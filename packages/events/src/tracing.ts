import { context, Link, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { TransportMessage } from './transport';

// The event hop of a trace. With no OpenTelemetry SDK started these are the API's no-ops.
const tracer = () => trace.getTracer('@crm/events');

/** The active span as a W3C traceparent (written into the envelope by emit), or null when none. */
export function activeTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

const contextOf = (traceparent: string | null | undefined) =>
  traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : undefined;

async function inSpan<R>(span: Span, fn: () => Promise<R>): Promise<R> {
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * The relay's publish: one PRODUCER span per traced event, child of the request that emitted it;
 * the message's `traceparent` header becomes that span, so the consumer continues from the publish.
 */
export async function publishTraced(messages: TransportMessage[], publish: () => Promise<void>): Promise<void> {
  const spans: Span[] = [];
  for (const m of messages) {
    const parent = contextOf(m.headers.traceparent);
    if (!parent) continue;
    const span = tracer().startSpan(
      `publish ${m.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': m.topic,
          'messaging.message.id': m.headers['event-id'],
          'crm.event_type': m.headers['event-type'],
        },
      },
      parent,
    );
    propagation.inject(trace.setSpan(parent, span), m.headers);
    spans.push(span);
  }
  if (!spans.length) return publish();
  try {
    await publish();
  } catch (err) {
    for (const s of spans) s.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    for (const s of spans) s.end();
  }
}

/** One event handled: a CONSUMER span, child of the producer's publish span. */
export function consumeTraced<R>(consumer: string, message: TransportMessage, fn: () => Promise<R>): Promise<R> {
  const parent = contextOf(message.headers.traceparent);
  if (!parent) return fn();
  const span = tracer().startSpan(
    `process ${message.headers['event-type'] ?? message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.consumer.group.name': consumer,
        'messaging.source.name': message.topic,
        'messaging.message.id': message.headers['event-id'],
      },
    },
    parent,
  );
  return inSpan(span, fn);
}

/** Many events in one transaction: a CONSUMER span linked to every traced producer. */
export function consumeRunTraced<R>(consumer: string, messages: TransportMessage[], fn: () => Promise<R>): Promise<R> {
  const links: Link[] = [];
  for (const m of messages) {
    const ctx = contextOf(m.headers.traceparent);
    const spanContext = ctx && trace.getSpanContext(ctx);
    if (spanContext) links.push({ context: spanContext, attributes: { 'crm.event_type': m.headers['event-type'] } });
  }
  if (!links.length) return fn();
  const span = tracer().startSpan(
    `process batch`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.consumer.group.name': consumer,
        'messaging.batch.message_count': messages.length,
      },
    },
    ROOT_CONTEXT,
  );
  return inSpan(span, fn);
}
