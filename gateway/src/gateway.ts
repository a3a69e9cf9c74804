import http from 'node:http';
import fetch from 'node-fetch';
import { ApolloServer, BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Fetcher } from '@apollo/utils.fetcher';
import { HttpAuthError, Identity, Logger, maskUnexpectedErrors, RunningHttpServer, signIdentity, startGraphQLHttpServer } from '@crm/service-kit';
import { AuthError, verifyUserToken } from './auth';
import { loadSupergraph, SubgraphName } from './compose';

export interface GatewayContext extends BaseContext {
  identity: Identity;
}

export interface GatewayOptions {
  port: number;
  host?: string;
  jwtSecret: string;
  subgraphSecret: string;
  /** Where each subgraph listens; overrides the URLs in the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  production?: boolean;
  logger: Logger;
  supergraphSdl?: string;
  limits?: { maxDepth?: number; maxAliases?: number; maxCost?: number; maxTokens?: number };
}

/** Every subgraph call carries the caller's identity, signed so subgraphs can trust it. */
class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly secret: string, fetcher: Fetcher) {
    super({ url, fetcher });
  }
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    if (!context.identity) return; // gateway start-up has no caller; subgraphs refuse it anyway
    for (const [k, v] of Object.entries(signIdentity(context.identity, this.secret))) request.http?.headers.set(k, v);
  }
}

export async function startGateway(opts: GatewayOptions): Promise<RunningHttpServer> {
  // One pooled keep-alive agent for all subgraph traffic (the default opens a socket per call).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const fetcher = ((url: string, init: Record<string, unknown>) => fetch(url, { ...init, agent })) as unknown as Fetcher;
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl ?? loadSupergraph(),
    buildService: ({ name, url }) => new SignedDataSource(opts.subgraphUrls[name as SubgraphName] ?? url!, opts.subgraphSecret, fetcher),
  });
  const armor = new ApolloArmor({
    maxDepth: { n: opts.limits?.maxDepth ?? 10 },
    maxAliases: { n: opts.limits?.maxAliases ?? 15 },
    // graphql-armor weighs `first: 100` only when written literally; 20k lets a literal
    // 100-row page with nested lists through, and page sizes are capped at 100 by every subgraph.
    costLimit: { maxCost: opts.limits?.maxCost ?? 20_000 },
    maxTokens: { n: opts.limits?.maxTokens ?? 2000 },
    blockFieldSuggestion: { enabled: !!opts.production },
  }).protect();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !opts.production,
    plugins: [...armor.plugins, ...(opts.production ? [ApolloServerPluginLandingPageDisabled()] : [])],
    validationRules: armor.validationRules,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // our own shutdown stops servers in order
    formatError: maskUnexpectedErrors(opts.logger),
  });
  const server = await startGraphQLHttpServer<GatewayContext>({
    name: 'gateway',
    apollo,
    port: opts.port,
    host: opts.host,
    logger: opts.logger,
    publicLandingPage: !opts.production,
    ready: async () => true,
    async authenticate(req) {
      const header = req.headers.authorization;
      if (!header) throw new HttpAuthError('Authentication required: send Authorization: Bearer <token>', 401, 'UNAUTHENTICATED', { 'www-authenticate': 'Bearer' });
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new HttpAuthError('Authorization header must be "Bearer <token>"');
      try {
        return { identity: await verifyUserToken(match[1], opts.jwtSecret) };
      } catch (err) {
        if (err instanceof AuthError) throw new HttpAuthError(`Unauthenticated: ${err.message}`, 401, 'UNAUTHENTICATED', { 'www-authenticate': 'Bearer error="invalid_token"' });
        throw err;
      }
    },
  });
  return {
    ...server,
    async stop() {
      await server.stop();
      agent.destroy();
    },
  };
}
