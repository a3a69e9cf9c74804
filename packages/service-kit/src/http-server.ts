import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { Registry, Histogram, Counter } from 'prom-client';
import type { Logger } from './logger';
import { graphqlOperationMetrics } from './metrics';
import { apolloEndpoint, type GraphQLEndpoint } from './graphql-endpoint';
import { withRequestLogger } from './request-log';
import { sqlStatements } from './database';
import { BodyLimits, ClientRequestError, DEFAULT_BODY_LIMITS, parseJsonBody, readBody, requestTarget } from './http-input';

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
  authenticate(req: IncomingMessage, rawBody: Buffer): Promise<C>;
  /** /ready: can this process serve (database reachable, ...)? */
  ready(): Promise<boolean>;
  /** Serve GET landing pages without authentication (gateway in development). */
  publicLandingPage?: boolean;
  bodyLimits?: Partial<BodyLimits>;
  /** A request (headers and body) must arrive within this (default 30 s); slow senders are cut off. */
  requestTimeoutMs?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  metrics: Registry;
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
 * Answer a refused request; when its body was not (fully) read, close the connection after the
 * answer instead of leaving the rest of the body to be parsed as the next request.
 */
function refuse(res: ServerResponse, err: ClientRequestError) {
  const headers: Record<string, string> = err.closeConnection ? { connection: 'close' } : {};
  json(res, err.status, errorBody(err.message, err.code), headers);
  if (err.closeConnection) res.once('finish', () => res.socket?.end());
}

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
  await endpoint.start(graphqlOperationMetrics(opts.name, metrics));

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, search: string) {
    const landing = opts.publicLandingPage && req.method === 'GET' && !search && /text\/html/.test(req.headers.accept ?? '');
    let context: C | undefined;
    let body: unknown = '';
    if (!landing) {
      const raw = req.method === 'POST' ? await readBody(req, limits) : Buffer.alloc(0);
      body = parseJsonBody(raw, req.headers['content-type'], limits);
      try {
        context = withRequestLogger(await opts.authenticate(req, raw), opts.name, opts.logger, req, res, body);
      } catch (err) {
        if (!(err instanceof HttpAuthError)) throw err;
        refused.inc({ service: opts.name, reason: err.code });
        return json(res, err.status, errorBody(err.message, err.code), err.headers);
      }
    }
    const result = await endpoint.handle({ method: req.method ?? 'GET', headers: req.headers, search, body }, context as C);
    for (const [k, v] of Object.entries(result.headers)) res.setHeader(k, v);
    res.statusCode = result.status;
    if (typeof result.body === 'string') return res.end(result.body);
    for await (const chunk of result.body) res.write(chunk);
    res.end();
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
      if (err instanceof ClientRequestError) {
        refused.inc({ service: opts.name, reason: err.reason });
        return refuse(res, err);
      }
      opts.logger.error({ err }, 'request failed');
      json(res, 500, errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'), { connection: 'close' });
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

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    metrics,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await endpoint.stop();
      })();
      return stopping;
    },
  };
}
