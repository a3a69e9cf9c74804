import type { IncomingHttpHeaders } from 'node:http';
import { ApolloServer, BaseContext, HeaderMap } from '@apollo/server';
import { graphqlMetricsPlugin, type OperationMetrics } from './metrics';

/** A /graphql request once read, size-checked and authenticated (http-server). */
export interface EndpointRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The query string, `?` included (or ''). */
  search: string;
  /** The parsed JSON body, or the raw text when the body is not JSON ('' when none). */
  body: unknown;
}

export interface EndpointResponse {
  status: number;
  headers: Record<string, string>;
  body: string | AsyncIterable<string>;
}

/**
 * What answers /graphql for an established caller: Apollo Server at the gateway (query planning),
 * the subgraph executor in every service (subgraph-executor.ts). http-server owns the rest.
 */
export interface GraphQLEndpoint<C> {
  start(operations: OperationMetrics): Promise<void>;
  handle(request: EndpointRequest, context: C): Promise<EndpointResponse>;
  stop(): Promise<void>;
}

/** Apollo Server as an endpoint, with the operation metrics as its plugin. */
export function apolloEndpoint<C extends BaseContext>(apollo: ApolloServer<C>): GraphQLEndpoint<C> {
  return {
    async start(operations) {
      apollo.addPlugin(graphqlMetricsPlugin<C>(operations));
      await apollo.start();
    },
    async handle(request, context) {
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(request.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method, headers, search: request.search, body: request.body },
        context: async () => context,
      });
      return {
        status: result.status ?? 200,
        headers: Object.fromEntries(result.headers),
        body: result.body.kind === 'complete' ? result.body.string : result.body.asyncIterator,
      };
    },
    stop: () => apollo.stop(),
  };
}
