import { context, propagation } from '@opentelemetry/api';
import { Agent, request } from 'undici';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { IncomingHttpHeaders } from 'node:http';
import type { InProcessRequest, InProcessResponse } from '@crm/service-kit';

/**
 * The gateway's HTTP client to its subgraphs: undici's `request` over one keep-alive pool per
 * origin (node-fetch built WHATWG streams, Headers and a Response around every call). It answers with a fully
 * read body, so a response can be handed to several readers (see dedupe.ts).
 */
export interface SubgraphClient {
  fetcher: Fetcher;
  close(): Promise<void>;
}

export interface SubgraphClientOptions {
  /** A call that has not answered in this long fails (the data source makes it SUBGRAPH_UNAVAILABLE). */
  timeoutMs: number;
  /** Sockets per subgraph origin. */
  connections?: number;
}

/** A response whose body is already in memory: text() and json() may be called by every reader. */
export class BufferedResponse {
  readonly ok: boolean;
  readonly statusText: string;
  readonly redirected = false;
  readonly headers: { get(name: string): string | null };

  constructor(
    readonly url: string,
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    readonly body: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.statusText = String(status);
    this.headers = {
      get: (name: string) => {
        const v = headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    };
  }

  async text() {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }

  clone() {
    return this;
  }
}

export function createSubgraphClient(opts: SubgraphClientOptions): SubgraphClient {
  const agent = new Agent({ connections: opts.connections ?? 64, keepAliveTimeout: 30_000, pipelining: 1 });
  const fetcher = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    // undici is not node:http, so the http instrumentation does not see these calls: carry the
    // trace context ourselves (a no-op while tracing is off).
    const headers = { ...(init?.headers as Record<string, string> | undefined) };
    propagation.inject(context.active(), headers);
    const res = await request(url, {
      method: (init?.method ?? 'POST') as 'POST',
      headers,
      body: init?.body as string | undefined,
      dispatcher: agent,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const body = await res.body.text();
    return new BufferedResponse(url, res.statusCode, res.headers, body) as unknown as FetcherResponse;
  };
  return { fetcher: fetcher as unknown as Fetcher, close: () => agent.close() };
}

/** A subgraph served in this process (the embedded mode): its server's `inject`. */
export type InProcessSubgraph = (request: InProcessRequest) => Promise<InProcessResponse>;

/**
 * The fetcher of a subgraph in this process: the same request (method, headers, the signed body
 * bytes) handed to its server's `inject`, which runs every step of an HTTP request but the socket,
 * so every check still runs; only the loopback TCP, HTTP framing and parsing on both sides are
 * skipped. `lookup` runs per call, so a subgraph started again is found again; a subgraph this
 * process does not serve is called over HTTP (`overHttp`). The timeout is the HTTP client's.
 */
export function inProcessFetcher(
  subgraph: string,
  lookup: () => InProcessSubgraph | undefined,
  overHttp: Fetcher,
  timeoutMs: number,
): Fetcher {
  const fetcher = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const target = lookup();
    if (!target) return overHttp(url, init);
    const headers: IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries((init?.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`subgraph ${subgraph} did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const answer = await Promise.race([target({ method: init?.method ?? 'POST', headers, body: String(init?.body ?? '') }), timedOut]);
      return new BufferedResponse(url, answer.status, answer.headers, answer.body) as unknown as FetcherResponse;
    } finally {
      clearTimeout(timer);
    }
  };
  return fetcher as unknown as Fetcher;
}
