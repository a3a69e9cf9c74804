import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, BaseContext, HeaderMap } from '@apollo/server';
import { Registry, Histogram, Counter } from 'prom-client';
import type { Logger } from './logger';

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
  apollo: ApolloServer<C>;
  port: number;
  host?: string;
  logger: Logger;
  /** Establish the caller before anything executes; throw HttpAuthError to refuse. */
  authenticate(req: IncomingMessage): Promise<C>;
  /** /ready: can this process serve (database reachable, ...)? */
  ready(): Promise<boolean>;
  /** Serve GET landing pages without authentication (gateway in development). */
  publicLandingPage?: boolean;
  maxBodyBytes?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  metrics: Registry;
  /** Stop accepting, let in-flight requests finish, then stop Apollo. */
  stop(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

class BodyTooLarge extends Error {}
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A plain node:http front for Apollo Server, shared by the gateway and every subgraph:
 * /graphql (after `authenticate`), /health, /ready and /metrics.
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
    help: 'Requests refused before execution (authentication, body size)',
    labelNames: ['service', 'reason'],
    registers: [metrics],
  });
  const limit = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  await opts.apollo.start();

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL) {
    const landing = opts.publicLandingPage && req.method === 'GET' && !url.search && /text\/html/.test(req.headers.accept ?? '');
    let context: C | undefined;
    if (!landing) {
      try {
        context = await opts.authenticate(req);
      } catch (err) {
        if (!(err instanceof HttpAuthError)) throw err;
        refused.inc({ service: opts.name, reason: err.code });
        return json(res, err.status, { errors: [{ message: err.message, extensions: { code: err.code } }] }, err.headers);
      }
    }
    let rawBody = '';
    try {
      rawBody = req.method === 'POST' ? await readBody(req, limit) : '';
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      refused.inc({ service: opts.name, reason: 'BODY_TOO_LARGE' });
      return json(res, 413, { errors: [{ message: `Request body exceeds ${limit} bytes`, extensions: { code: 'BAD_REQUEST' } }] });
    }
    let body: unknown = rawBody;
    if (rawBody && /json/.test(req.headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        return json(res, 400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const result = await opts.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => context as C,
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') return res.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const end = duration.startTimer({ service: opts.name });
    res.on('finish', () => end({ status: String(res.statusCode) }));
    const route = async () => {
      if (url.pathname === '/health') return json(res, 200, { status: 'ok', service: opts.name });
      if (url.pathname === '/ready') {
        const ok = await opts.ready();
        return json(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable', service: opts.name });
      }
      if (url.pathname === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.contentType });
        return res.end(await metrics.metrics());
      }
      if (url.pathname === '/graphql' || url.pathname === '/') return handleGraphQL(req, res, url);
      return json(res, 404, { error: 'not found' });
    };
    route().catch((err) => {
      opts.logger.error({ err }, 'request failed');
      if (!res.headersSent) json(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

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
        await opts.apollo.stop();
      })();
      return stopping;
    },
  };
}
