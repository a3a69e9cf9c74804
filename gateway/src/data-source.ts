import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { Identity, Logger, REQUEST_ID_HEADER, signIdentity } from '@crm/service-kit';
import { dedupeInflight } from './dedupe';

type WillSendRequest = NonNullable<RemoteGraphQLDataSource<{ identity?: Identity }>['willSendRequest']>;

/** Carries the caller from willSendRequest to the fetcher, which replaces it by the signature. Never sent. */
const CALLER_HEADER = 'x-crm-unsigned-caller';

/** The error a client sees for the fields of a subgraph that did not answer: the rest of the data stands. */
export const subgraphUnavailable = (subgraph: string) =>
  new GraphQLError(`Subgraph ${subgraph} is unavailable`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph } });

/**
 * Every subgraph call carries the caller's identity, signed over the method, the subgraph's
 * name, the exact body bytes, a timestamp and a nonce (service-kit identity.ts), so a captured
 * header set cannot be replayed. A subgraph that is down, slow (the fetcher's timeout), answers
 * 5xx or refuses the signature is SUBGRAPH_UNAVAILABLE naming it; a 4xx with GraphQL errors
 * (a variable the subgraph cannot coerce) is relayed with its own code.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<{ identity?: Identity }> {
  readonly subgraph: string;
  private readonly logger: Logger;

  constructor(opts: { subgraph: string; url: string; secret: string; fetcher: Fetcher; logger: Logger; dedupe?: boolean }) {
    const signing = signingFetcher(opts.subgraph, opts.secret, opts.fetcher);
    // De-duplication before signing: its key holds the unsigned caller, and one call is signed once.
    super({ url: opts.url, fetcher: opts.dedupe ? dedupeInflight(signing) : signing });
    this.subgraph = opts.subgraph;
    this.logger = opts.logger;
  }

  override willSendRequest({ request, context }: Parameters<WillSendRequest>[0]) {
    // Gateway start-up has no caller; subgraphs refuse unsigned calls anyway.
    if (context.identity) request.http?.headers.set(CALLER_HEADER, JSON.stringify(context.identity));
    const requestId = (context as { requestId?: string }).requestId;
    if (requestId) request.http?.headers.set(REQUEST_ID_HEADER, requestId);
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    let body: { errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> } | undefined;
    try {
      body = (await response.json()) as typeof body;
    } catch {
      body = undefined;
    }
    const first = Array.isArray(body?.errors) ? body.errors[0] : undefined;
    if (response.status < 500 && response.status !== 401 && response.status !== 403 && typeof first?.extensions?.code === 'string') {
      return new GraphQLError(String(first.message ?? 'Bad request'), { extensions: first.extensions });
    }
    this.logger.warn({ subgraph: this.subgraph, status: response.status }, 'subgraph failed');
    return subgraphUnavailable(this.subgraph);
  }

  override didEncounterError(error: Error, _request: unknown, response?: FetcherResponse): never {
    if (error instanceof GraphQLError) throw error;
    // No answer at all (refused, reset, timed out) or a body that is not JSON.
    this.logger.warn({ err: error, subgraph: this.subgraph, status: response?.status }, 'subgraph unreachable');
    throw subgraphUnavailable(this.subgraph);
  }
}

/** Sign the exact bytes the data source sends, for the subgraph it sends them to. */
function signingFetcher(subgraph: string, secret: string, fetcher: Fetcher): Fetcher {
  return (url: string, init?: FetcherRequestInit) => {
    const headers = { ...(init?.headers as Record<string, string> | undefined) };
    const caller = headers[CALLER_HEADER];
    delete headers[CALLER_HEADER];
    if (caller) {
      const identity = JSON.parse(caller) as Identity;
      Object.assign(headers, signIdentity(identity, secret, { method: init?.method ?? 'POST', subgraph, body: String(init?.body ?? '') }));
    }
    return fetcher(url, { ...init, headers });
  };
}
