import http, { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { Registry, Histogram, Counter } from 'prom-client';
import type { Logger } from './logger';
import { graphqlOperationMetrics } from './metrics';
import { apolloEndpoint, type EndpointResponse, type GraphQLEndpoint } from './graphql-endpoint';
import { REQUEST_ID_HEADER, withRequestLogger } from './request-log';
import { sqlStatements } from './database';
import { BodyLimits, checkBodySize, ClientRequestError, DEFAULT_BODY_LIMITS, parseJsonBody, readBody, requestTarget } from './http-input';

export { BodyLimits, DEFAULT_BODY_LIMITS } from './http-input';

/** Thrown by `authenticate` to answer with an HTTP status and a GraphQL-shaped error body. */
export class HttpAuthError extends Error {
  constructor(
    message: string,
    readonly status = 401,
    readonly code = 'UNAUTHENTICATED',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface GraphQLHttpOptions<C extends BaseContext> {
  name: string;
  /** What executes (a subgraph's executor); or `apollo`, served through apolloEndpoint (the gateway). */
  endpoint?: GraphQLEndpoint<C>;
  apollo?: ApolloServer<C>;
  port: number;
  host?: string;
  logger: Logger;
  /**
   * Establish the caller before anything executes; throw HttpAuthError to refuse. It sees the
   * raw body (read and size-checked first) so a signature can bind it.
   */
  authenticate(req: CallerRequest, rawBody: Buffer): Promise<C>;
  /** /ready: can this process serve (database reachable, ...)? */
  ready(): Promise<boolean>;
  /** Serve GET landing pages without authentication (gateway in development). */
  publicLandingPage?: boolean;
  bodyLimits?: Partial<BodyLimits>;
  /** A request (headers and body) must arrive within this (default 30 s); slow senders are cut off. */
  requestTimeoutMs?: number;
}

/** What `authenticate` reads of a request, whether it came over a socket or in process. */
export interface CallerRequest {
  method?: string;
  headers: IncomingHttpHeaders;
}

/** A /graphql call handed to a server in its own process, without a socket (the embedded gateway's subgraph calls). */
export interface InProcessRequest {
  method: string;
  /** Lower-case names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  body: string;
}

export interface InProcessResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  metrics: Registry;
  /**
   * Answer a /graphql call made in this process: every step an HTTP request takes but the
   * socket (the body caps, JSON, authentication, execution, the error boundary, the metrics).
   */
  inject(request: InProcessRequest): Promise<InProcessResponse>;
  /** Stop accepting, let in-flight requests finish, then stop the endpoint. */
  stop(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
};
const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * A plain node:http front for a GraphQL endpoint, shared by the gateway and every subgraph:
 * /graphql (after `authenticate`), /health, /ready and /metrics. Every step of a request (its
 * target, headers, body, JSON, authentication) runs inside one error boundary: bad input is a
 * coded 4xx, an unexpected failure is logged and answered, and nothing a client sends can throw
 * out of the request handler and end the process.
 */
export async function startGraphQLHttpServer<C extends BaseContext>(opts: GraphQLHttpOptions<C>): Promise<RunningHttpServer> {
  const metrics = new Registry();
  const duration = new Histogram({
    name: 'crm_http_request_duration_seconds',
    help: 'GraphQL HTTP request duration',
    labelNames: ['service', 'status'],
    registers: [metrics],
  });
  const refused = new Counter({
    name: 'crm_http_requests_refused_total',
    help: 'Requests refused before execution (authentication, body size, malformed)',
    labelNames: ['service', 'reason'],
    registers: [metrics],
  });
  metrics.registerMetric(sqlStatements);
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, ...opts.bodyLimits };
  if (!opts.endpoint && !opts.apollo) throw new Error(`${opts.name}: startGraphQLHttpServer needs an endpoint or an Apollo Server`);
  const endpoint: GraphQLEndpoint<C> = opts.endpoint ?? apolloEndpoint(opts.apollo!);
  let stopping: Promise<void> | undefined;
  /** In-process calls under way: stopping lets them finish, as the server lets requests finish. */
  const injecting = new Set<Promise<InProcessResponse>>();
  await endpoint.start(graphqlOperationMetrics(opts.name, metrics));

  /** /graphql once its body is read: JSON, the caller, execution. Shared by the socket and in-process calls. */
  async function answerGraphQL(
    method: string,
    headers: IncomingHttpHeaders,
    search: string,
    raw: Buffer | null,
  ): Promise<EndpointResponse> {
    if (raw === null) return endpoint.handle({ method, headers, search, body: '' }, undefined as unknown as C); // a landing page
    const body = parseJsonBody(raw, headers['content-type'], limits);
    let established: { context: C; requestId: string };
    try {
      established = withRequestLogger(await opts.authenticate({ method, headers }, raw), opts.name, opts.logger, headers, body);
    } catch (err) {
      if (!(err instanceof HttpAuthError)) throw err;
      refused.inc({ service: opts.name, reason: err.code });
      return {
        status: err.status,
        headers: { 'content-type': 'application/json', ...err.headers },
        body: JSON.stringify(errorBody(err.message, err.code)),
      };
    }
    const result = await endpoint.handle({ method, headers, search, body }, established.context);
    return { ...result, headers: { [REQUEST_ID_HEADER]: established.requestId, ...result.headers } };
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, search: string) {
    const landing = opts.publicLandingPage && req.method === 'GET' && !search && /text\/html/.test(req.headers.accept ?? '');
    const raw = landing ? null : req.method === 'POST' ? await readBody(req, limits) : Buffer.alloc(0);
    const result = await answerGraphQL(req.method ?? 'GET', req.headers, search, raw);
    for (const [k, v] of Object.entries(result.headers)) res.setHeader(k, v);
    res.statusCode = result.status;
    if (typeof result.body === 'string') return res.end(result.body);
    for await (const chunk of result.body) res.write(chunk);
    res.end();
  }

  /** The in-process twin of a POST /graphql, inside the same error boundary. */
  async function inject(request: InProcessRequest): Promise<InProcessResponse> {
    // Stopped: as a closed port, the caller sees no answer at all.
    if (stopping) throw new Error(`${opts.name} is not serving`);
    const call = answerInProcess(request);
    injecting.add(call);
    try {
      return await call;
    } finally {
      injecting.delete(call);
    }
  }

  /**
   * What a failed request answers, over a socket or in process: a refusal (bad target, body or
   * JSON) its coded 4xx, counted; anything else a logged, masked 500. `closeConnection`: the
   * body was not (fully) read, or the failure is unexpected; the rest must not be parsed as
   * the next request.
   */
  function failure(err: unknown): { status: number; body: ReturnType<typeof errorBody>; closeConnection: boolean } {
    if (err instanceof ClientRequestError) {
      refused.inc({ service: opts.name, reason: err.reason });
      return { status: err.status, body: errorBody(err.message, err.code), closeConnection: err.closeConnection };
    }
    opts.logger.error({ err }, 'request failed');
    return { status: 500, body: errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'), closeConnection: true };
  }

  async function answerInProcess(request: InProcessRequest): Promise<InProcessResponse> {
    const end = duration.startTimer({ service: opts.name });
    let answer: InProcessResponse;
    try {
      const result = await answerGraphQL(request.method, request.headers, '', checkBodySize(Buffer.from(request.body), limits));
      let body = '';
      if (typeof result.body === 'string') body = result.body;
      else for await (const chunk of result.body) body += chunk;
      answer = { status: result.status, headers: result.headers, body };
    } catch (err) {
      const failed = failure(err);
      answer = { status: failed.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(failed.body) };
    }
    end({ status: String(answer.status) });
    return answer;
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const { pathname, search } = requestTarget(req.url);
    if (pathname === '/health') return json(res, 200, { status: 'ok', service: opts.name });
    if (pathname === '/ready') {
      const ok = await opts.ready().catch(() => false);
      return json(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable', service: opts.name });
    }
    if (pathname === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.contentType });
      return res.end(await metrics.metrics());
    }
    if (pathname === '/graphql' || pathname === '/') return handleGraphQL(req, res, search);
    return json(res, 404, errorBody('Not found', 'NOT_FOUND'));
  }

  const server = http.createServer((req, res) => {
    // A client that goes away mid-request makes these emit 'error': never an uncaught one.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const end = duration.startTimer({ service: opts.name });
    res.on('finish', () => end({ status: String(res.statusCode) }));
    route(req, res).catch((err: unknown) => {
      const failed = failure(err);
      json(res, failed.status, failed.body, failed.closeConnection ? { connection: 'close' } : {});
      if (failed.closeConnection) res.once('finish', () => res.socket?.end());
    });
  });
  // Bytes node's parser refuses (malformed request line, oversized headers): a plain 4xx, then close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    refused.inc({ service: opts.name, reason: err.code ?? 'CLIENT_ERROR' });
    if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify(errorBody('Malformed HTTP request', 'BAD_REQUEST'));
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = opts.requestTimeoutMs ?? 30_000;
  server.maxHeadersCount = 100;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // Bound to all interfaces: advertise loopback, which always reaches us from this host.
  const url = `http://${!opts.host || opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}/graphql`;
  opts.logger.info({ url }, `${opts.name} listening`);

  return {
    url,
    port,
    metrics,
    inject,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await Promise.allSettled(injecting);
        await endpoint.stop();
      })();
      return stopping;
    },
  };
}
