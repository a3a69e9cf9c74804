import { REQUEST_ID_HEADER } from '@crm/service-kit';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';

/** A query operation (not a mutation or subscription): `{"query":"query ...` or `{"query":"{ ...`. */
const QUERY_BODY = /^\{"query":"(?:query\b|\{)/;

/**
 * In-flight de-duplication of identical subgraph calls: while one call is on its way, an
 * identical one waits for its answer instead of going out again. Identical means everything that
 * reaches the subgraph — URL, method, every header (the caller's identity, tenant, user, roles
 * and scopes included: it is still the unsigned caller header here) and the body bytes — so two
 * callers never share an answer. Only queries: a mutation always goes out. Nothing is kept once
 * the call has answered (no cache). Wraps the signing fetcher, so one signature goes out per call.
 */
export function dedupeInflight(fetcher: Fetcher): Fetcher {
  const inflight = new Map<string, Promise<FetcherResponse>>();
  return ((url: string, init?: FetcherRequestInit) => {
    const body = typeof init?.body === 'string' ? init.body : undefined;
    if (body === undefined || !QUERY_BODY.test(body)) return fetcher(url, init);
    const key = requestKey(url, init!, body);
    const pending = inflight.get(key);
    if (pending) return pending;
    const call = fetcher(url, init).finally(() => inflight.delete(key));
    inflight.set(key, call);
    return call;
  }) as Fetcher;
}

/** Log correlation only: it changes nothing a subgraph answers, and is unique per client request. */
const NOT_IN_KEY = new Set([REQUEST_ID_HEADER]);

function requestKey(url: string, init: FetcherRequestInit, body: string): string {
  const headers = Object.entries((init.headers ?? {}) as Record<string, string>)
    .map(([k, v]) => [k.toLowerCase(), v])
    .filter(([k]) => !NOT_IN_KEY.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([url, (init.method ?? 'POST').toUpperCase(), headers, body]);
}
