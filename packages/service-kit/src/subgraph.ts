import { readFileSync } from 'node:fs';
import type { BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLFormattedError, GraphQLResolveInfo, GraphQLScalarType, parse } from 'graphql';
import { HttpAuthError, RunningHttpServer, startGraphQLHttpServer } from './http-server';
import { Identity, NonceCache, SignatureError, verifyIdentity } from './identity';
import { guardTextInputs } from './input-guard';
import { enforceAccess, readAccessDeclarations } from './access';
import { auditMutations } from './audit';
import type { BodyLimits } from './http-input';
import type { Logger } from './logger';
import { findDomainError, toGraphQLError } from './errors';
import { subgraphExecutor } from './subgraph-executor';

/**
 * A subgraph's resolver map: per type, its field resolvers (and `__resolveReference`), or a
 * custom scalar. Declared here because @apollo/subgraph keeps its own type internal.
 */
export type ResolverFn<C> = (parent: any, args: any, context: C, info: GraphQLResolveInfo) => unknown;
export type Resolvers<C> = Record<string, GraphQLScalarType | Record<string, ResolverFn<C> | unknown>>;

export function loadSchema(file: string) {
  return parse(readFileSync(file, 'utf8'));
}

const PUBLIC_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'RATE_LIMITED',
  'SUBGRAPH_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * graphql-js reports a variable it cannot coerce (an Int over 2^31, a bad enum) as
 * `Variable "$input" got invalid value ... at "input.amount"`: name the field like our own errors do.
 */
function withField(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'BAD_USER_INPUT' || formatted.extensions.field) return formatted;
  const at = /^Variable "\$(\w+)" got invalid value .*? at "([^"]+)"/s.exec(formatted.message);
  const missing = /; Field "(\w+)" (?:of required type .* was not provided|is not defined by type)/s.exec(formatted.message);
  const field = at ? at[2].split('.').at(-1) : (missing?.[1] ?? /^Variable "\$(\w+)"/.exec(formatted.message)?.[1]);
  return field ? { ...formatted, extensions: { ...formatted.extensions, field } } : formatted;
}

/**
 * The one edge where errors become API errors: a DomainError (what every use case and rule
 * throws) is translated; GraphQL's own coded errors pass; anything unexpected is logged and
 * masked (never a stack trace out).
 */
export function maskUnexpectedErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const domain = findDomainError(error);
    if (domain) return toGraphQLError(domain, formatted);
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) return withField(formatted);
    logger.error({ err: (error as { originalError?: unknown })?.originalError ?? error }, 'unexpected resolver error');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

export interface SubgraphOptions<C extends BaseContext> {
  name: string;
  schemaFile: string;
  resolvers: Resolvers<C>;
  port: number;
  host?: string;
  secret: string;
  logger: Logger;
  /** Production: no introspection (composition reads the SDL files; `_service` is a plain field and stays). */
  production?: boolean;
  /** Root fields whose bodies may pass the 1 MB cap (leads: importContacts). */
  largeBodyFields?: string[];
  bodyLimits?: Partial<BodyLimits>;
  ready(): Promise<boolean>;
  /** Build the resolver context for a verified caller (provision the tenant, open loaders). */
  context(identity: Identity): Promise<C>;
}

/**
 * A subgraph: buildSubgraphSchema from the hand-written SDL, served over HTTP, and nothing
 * executes (not `_entities`, not `_service`) without a valid gateway signature.
 */
export async function startSubgraph<C extends BaseContext>(opts: SubgraphOptions<C>): Promise<RunningHttpServer> {
  const typeDefs = loadSchema(opts.schemaFile);
  // The role matrix from the SDL's @access declarations, checked before input validation.
  const built = enforceAccess(
    guardTextInputs(buildSubgraphSchema({ typeDefs, resolvers: opts.resolvers as never })),
    readAccessDeclarations(typeDefs),
  );
  const schema = auditMutations(built, opts.logger); // outermost: refusals are audited too
  const endpoint = subgraphExecutor<C>({
    schema,
    // As the gateway: introspection only outside production (composition reads the SDL files).
    introspection: !opts.production,
    // Query plans are larger than client documents, but still bounded; past it is a 400 parse error.
    maxTokens: 20_000,
    formatError: maskUnexpectedErrors(opts.logger),
    checkPlainFields: !opts.production,
  });
  // One use per signature nonce within the signature window, per process.
  const nonces = new NonceCache();
  return startGraphQLHttpServer<C>({
    name: opts.name,
    endpoint,
    port: opts.port,
    host: opts.host,
    logger: opts.logger,
    ready: opts.ready,
    bodyLimits: { largeBodyFields: opts.largeBodyFields ?? [], ...opts.bodyLimits },
    async authenticate(req, body) {
      let identity: Identity;
      try {
        identity = verifyIdentity(req.headers, opts.secret, { method: req.method ?? 'GET', subgraph: opts.name, body }, { nonces });
      } catch (err) {
        if (err instanceof SignatureError) throw new HttpAuthError(`Unauthenticated: ${err.message}`);
        throw err;
      }
      return opts.context(identity);
    },
  });
}
