import { context, propagation } from '@opentelemetry/api';
import { Agent, request } from 'undici';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';

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
