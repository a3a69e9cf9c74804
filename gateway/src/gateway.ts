import { ApolloServer, BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { HttpAuthError, Identity, Logger, maskUnexpectedErrors, RunningHttpServer, startGraphQLHttpServer } from '@crm/service-kit';
import { AuthError, TokenPolicy, verifyUserToken } from './auth';
import { loadSupergraph, SubgraphName } from './compose';
import { SignedDataSource } from './data-source';
import { registerGatewayMetrics, subgraphFetchHistogram, timedFetcher } from './telemetry';
import { createSubgraphClient, inProcessFetcher, InProcessSubgraph } from './subgraph-client';
import { ApiKeyAuthenticator } from './api-keys';
import { costLimitPlugin, DEFAULT_COST_MODEL } from './cost-limit';
import { admit, createRateLimiter, DEFAULT_USER_RATE_LIMIT_PER_MINUTE, RateLimitOptions } from './rate-limit';

export interface GatewayContext extends BaseContext {
  identity: Identity;
}

export interface GatewayOptions {
  port: number;
  host?: string;
  jwtSecret: string;
  /** Token lifetime, issuer and audience rules (AUTH_JWT_MAX_TTL, AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE). */
  tokenPolicy?: TokenPolicy;
  subgraphSecret: string;
  /** Where each subgraph listens; overrides the URLs in the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  /**
   * The embedded mode: a subgraph served in this process, looked up per call, is called through
   * its server's `inject` instead of over HTTP (subgraph-client.ts); any other over HTTP.
   */
  inProcessSubgraph?: (name: SubgraphName) => InProcessSubgraph | undefined;
  production?: boolean;
  logger: Logger;
  supergraphSdl?: string;
  /** A subgraph call that has not answered in this long fails as SUBGRAPH_UNAVAILABLE (default 10 s). */
  subgraphTimeoutMs?: number;
  /** Identical in-flight subgraph queries of one caller go out once (dedupe.ts); default on. */
  dedupeSubgraphRequests?: boolean;
  /** Per-key (and per-user) token buckets; REDIS_URL shares them across replicas. */
  rateLimits?: RateLimitOptions;
  /** How long a replica reuses an API key look-up (default 4 s: revocation within 5 s). */
  apiKeyCacheMs?: number;
  limits?: { maxDepth?: number; maxAliases?: number; maxCost?: number; maxTokens?: number; maxBodyBytes?: number; maxImportBytes?: number };
}

/** Root fields whose request may exceed the 1 MB body cap (a CSV in a variable), up to maxImportBytes. */
export const LARGE_BODY_FIELDS = ['importContacts'];

export async function startGateway(opts: GatewayOptions): Promise<RunningHttpServer> {
  // One keep-alive undici pool per subgraph for all subgraph traffic, timed per subgraph.
  const timeoutMs = opts.subgraphTimeoutMs ?? 10_000;
  const client = createSubgraphClient({ timeoutMs });
  const local = opts.inProcessSubgraph;
  const fetcherOf = (name: SubgraphName) => (local ? inProcessFetcher(name, () => local(name), client.fetcher, timeoutMs) : client.fetcher);
  const fetchDuration = subgraphFetchHistogram();
  const dedupe = opts.dedupeSubgraphRequests ?? true;
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl ?? loadSupergraph(),
    buildService: ({ name, url }) =>
      new SignedDataSource({
        subgraph: name,
        url: opts.subgraphUrls[name as SubgraphName] ?? url!,
        secret: opts.subgraphSecret,
        fetcher: timedFetcher(name, fetcherOf(name as SubgraphName), fetchDuration),
        dedupe,
        logger: opts.logger,
      }),
  });
  const apiKeys = new ApiKeyAuthenticator({
    url: opts.subgraphUrls.access,
    secret: opts.subgraphSecret,
    fetcher: fetcherOf('access'),
    logger: opts.logger,
    ttlMs: opts.apiKeyCacheMs,
  });
  const limiter = createRateLimiter(opts.rateLimits ?? {}, opts.logger);
  const userPerMinute = opts.rateLimits?.userPerMinute ?? DEFAULT_USER_RATE_LIMIT_PER_MINUTE;
  const armor = new ApolloArmor({
    maxDepth: { n: opts.limits?.maxDepth ?? 10 },
    maxAliases: { n: opts.limits?.maxAliases ?? 15 },
    // graphql-armor weighs `first` only when literal: our own plugin (cost-limit.ts) counts variables too.
    costLimit: { enabled: false },
    // Its token limiter re-parses in a plugin hook, where any syntax error becomes a 500: the
    // token limit is graphql-js's own parse option below, so it is a 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: !!opts.production },
  }).protect();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !opts.production,
    parseOptions: { maxTokens: opts.limits?.maxTokens ?? 2000 },
    plugins: [
      costLimitPlugin({ ...DEFAULT_COST_MODEL, maxCost: opts.limits?.maxCost ?? DEFAULT_COST_MODEL.maxCost }),
      ...armor.plugins,
      ...(opts.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
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
    bodyLimits: {
      maxBytes: opts.limits?.maxBodyBytes ?? 1024 * 1024,
      maxLargeBytes: opts.limits?.maxImportBytes ?? 16 * 1024 * 1024,
      largeBodyFields: LARGE_BODY_FIELDS,
    },
    ready: async () => true,
    async authenticate(req) {
      const key = await apiKeys.authenticate(req.headers['x-api-key']);
      if (key) {
        await admit(limiter, key.identity.userId, key.rateLimitPerMinute);
        return { identity: key.identity };
      }
      const header = req.headers.authorization;
      if (!header)
        throw new HttpAuthError('Authentication required: send Authorization: Bearer <token>', 401, 'UNAUTHENTICATED', {
          'www-authenticate': 'Bearer',
        });
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new HttpAuthError('Authorization header must be "Bearer <token>"');
      try {
        const identity = await verifyUserToken(match[1], opts.jwtSecret, opts.tokenPolicy);
        await admit(limiter, `user:${identity.tenantId}:${identity.userId}`, userPerMinute);
        return { identity };
      } catch (err) {
        if (err instanceof AuthError)
          throw new HttpAuthError(`Unauthenticated: ${err.message}`, 401, 'UNAUTHENTICATED', {
            'www-authenticate': 'Bearer error="invalid_token"',
          });
        throw err;
      }
    },
  });
  registerGatewayMetrics(server.metrics, fetchDuration);
  return {
    ...server,
    async stop() {
      await server.stop();
      await limiter.close();
      await client.close();
    },
  };
}
