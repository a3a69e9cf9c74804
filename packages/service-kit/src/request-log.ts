import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Logger } from './logger';

/** Sent by the gateway to every subgraph call and echoed on answers, so one id finds a request's lines everywhere. */
export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The active span's trace id, or undefined when tracing is off. */
export function currentTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

export interface RequestScoped {
  requestId?: string;
  logger?: Logger;
}

/**
 * Give the request's context its own pino child logger carrying the request id (the caller's
 * `x-request-id` when well-formed, else a new one), the tenant, the operation and the trace id:
 * every line a resolver or use case logs through `context.logger` says which request it is.
 * The operation is re-bound once it is resolved (the metrics plugin at the gateway, the subgraph executor).
 * The request id is returned for the answer's header.
 */
export function withRequestLogger<C>(
  context: C,
  service: string,
  base: Logger,
  headers: IncomingHttpHeaders,
  body: unknown,
): { context: C; requestId: string } {
  const sent = headers[REQUEST_ID_HEADER];
  const requestId = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
  if (!context || typeof context !== 'object') return { context, requestId };
  const identity = (context as { identity?: { tenantId?: string } }).identity;
  const named = (body as { operationName?: unknown } | undefined)?.operationName;
  // The HTTP server span (when tracing) names the service and the request.
  trace.getActiveSpan()?.setAttributes({ 'crm.service': service, 'crm.request_id': requestId, 'crm.tenant_id': identity?.tenantId ?? '' });
  const logger = base.child({
    requestId,
    tenantId: identity?.tenantId,
    operation: typeof named === 'string' ? named.slice(0, 100) : undefined,
    traceId: currentTraceId(),
  });
  return { context: Object.assign(context as object, { requestId, logger }) as C, requestId };
}
