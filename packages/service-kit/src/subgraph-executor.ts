import {
  BREAK,
  DocumentNode,
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  isObjectType,
  NoSchemaIntrospectionCustomRule,
  OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
  visit,
} from 'graphql';
import { compileQuery, CompiledQuery, isCompiledQuery } from 'graphql-jit';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { EndpointRequest, EndpointResponse, GraphQLEndpoint } from './graphql-endpoint';
import type { Logger } from './logger';
import type { OperationMetrics, OperationOutcome } from './metrics';

// A subgraph's /graphql without Apollo Server: the only caller is the gateway, sending the same
// few query-plan documents over and over, so each document is parsed, validated and compiled
// once (graphql-jit turns it into plain JavaScript) and then only executed. Execution was the
// largest part of a subgraph's CPU per call, with Apollo's request pipeline around it.
// What Apollo did for a subgraph stays: the same status codes and error codes, parse token cap,
// no introspection in production, refusal of GET and non-JSON requests (CSRF), formatError.

export interface SubgraphExecutorOptions {
  schema: GraphQLSchema;
  /** Allow __schema / __type (outside production; composition reads the SDL files). */
  introspection: boolean;
  /** A longer document is a parse error (a query plan is larger than a client document, but bounded). */
  maxTokens: number;
  /** The one edge where errors become API errors (maskUnexpectedErrors). */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Outside production, a field without a resolver refuses a function or promise value (see checkPlainFields). */
  checkPlainFields: boolean;
  /** Documents kept parsed, validated and compiled (default 1,000). */
  cacheSize?: number;
}

type Run = (context: unknown, variables: Record<string, unknown>) => ReturnType<CompiledQuery['query']>;
type Prepared = { run: Run; operation: OperationDefinitionNode } | { status: number; errors: GraphQLError[] };

interface CachedDocument {
  document?: DocumentNode;
  /** Parse or validation errors: the document never executes. */
  errors?: { status: number; errors: GraphQLError[] };
  byOperation: Map<string, Prepared>;
}

const CSRF_MESSAGE =
  'This request has been blocked as a potential Cross-Site Request Forgery (CSRF): a subgraph answers POST ' +
  "requests with a 'content-type: application/json' body only (no preflight-free GET or form posts).";

class RequestRefusal extends GraphQLError {
  constructor(message: string, code: string) {
    super(message, { extensions: { code } });
  }
}

const refusal = (message: string, code = 'BAD_REQUEST') => ({ status: 400, errors: [new RequestRefusal(message, code)] });
const coded = (errors: readonly GraphQLError[], code: string) =>
  errors.map(
    (e) =>
      new GraphQLError(e.message, {
        nodes: e.nodes,
        source: e.source,
        positions: e.positions,
        path: e.path,
        extensions: { ...e.extensions, code },
      }),
  );

export function subgraphExecutor<C>(opts: SubgraphExecutorOptions): GraphQLEndpoint<C> {
  const rules = opts.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const cacheSize = opts.cacheSize ?? 1_000;
  const documents = new Map<string, CachedDocument>();
  if (opts.checkPlainFields) checkPlainFields(opts.schema);
  let operations: OperationMetrics | undefined;

  function documentFor(query: string): CachedDocument {
    let entry = documents.get(query);
    if (entry) {
      // Least recently used goes first: re-inserting keeps Map order = recency.
      documents.delete(query);
      documents.set(query, entry);
      return entry;
    }
    entry = { byOperation: new Map() };
    try {
      entry.document = parse(query, { maxTokens: opts.maxTokens });
      const invalid = validate(opts.schema, entry.document, rules);
      if (invalid.length) entry.errors = { status: 400, errors: coded(invalid, 'GRAPHQL_VALIDATION_FAILED') };
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      entry.errors = { status: 400, errors: coded([err], 'GRAPHQL_PARSE_FAILED') };
    }
    documents.set(query, entry);
    if (documents.size > cacheSize) documents.delete(documents.keys().next().value as string);
    return entry;
  }

  function prepare(query: string, operationName: string | undefined): Prepared {
    const entry = documentFor(query);
    if (entry.errors) return entry.errors;
    const key = operationName ?? '';
    let prepared = entry.byOperation.get(key);
    if (prepared) return prepared;
    const operation = getOperationAST(entry.document!, operationName);
    if (!operation) {
      prepared = refusal(
        operationName
          ? `Unknown operation named "${operationName}".`
          : 'Must provide operation name if query contains multiple operations.',
        'OPERATION_RESOLUTION_FAILURE',
      );
    } else {
      prepared = { run: compile(opts.schema, entry.document!, operationName), operation };
    }
    entry.byOperation.set(key, prepared);
    return prepared;
  }

  function answer(status: number, errors: readonly GraphQLError[] | undefined, data?: unknown): EndpointResponse {
    const formatted = errors?.map((error) => {
      const json = error.toJSON();
      const withCode =
        typeof json.extensions?.code === 'string' ? json : { ...json, extensions: { ...json.extensions, code: 'INTERNAL_SERVER_ERROR' } };
      return opts.formatError(withCode, error);
    });
    const body = formatted?.length ? (data === undefined ? { errors: formatted } : { errors: formatted, data }) : { data };
    return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
  }

  async function execute(
    request: EndpointRequest,
    context: C,
  ): Promise<{ response: EndpointResponse; name?: string; outcome: OperationOutcome }> {
    const invalid = (r: { status: number; errors: GraphQLError[] }, name?: string) => ({
      response: answer(r.status, r.errors),
      name,
      outcome: 'invalid' as const,
    });
    if (request.method !== 'POST' || !/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      return invalid(refusal(CSRF_MESSAGE));
    }
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return invalid(refusal('The POST body must be one JSON object (no batches)'));
    const { query, variables, operationName, extensions } = body as Record<string, unknown>;
    const name = typeof operationName === 'string' ? operationName : undefined;
    if (typeof query !== 'string' || !query) {
      const persisted = (extensions as { persistedQuery?: unknown } | undefined)?.persistedQuery;
      return invalid(
        persisted
          ? refusal('PersistedQueryNotSupported', 'PERSISTED_QUERY_NOT_SUPPORTED')
          : refusal('The body must have a non-empty `query` string'),
        name,
      );
    }
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables)))
      return invalid(refusal('`variables` must be a JSON object'), name);
    if (operationName != null && typeof operationName !== 'string') return invalid(refusal('`operationName` must be a string'), name);

    const prepared = prepare(query, name);
    if ('errors' in prepared) return invalid(prepared, name);
    const opName = prepared.operation.name?.value ?? name;
    (context as { logger?: Logger } | undefined)?.logger?.setBindings({ operation: opName ?? '(anonymous)' });
    const inputs = (variables ?? {}) as Record<string, unknown>;
    // graphql-js coerces first, for its exact messages (withField names the field from them).
    const coerced = getVariableValues(opts.schema, prepared.operation.variableDefinitions ?? [], inputs, { maxErrors: 50 });
    if (coerced.errors) return invalid({ status: 400, errors: coded(coerced.errors, 'BAD_USER_INPUT') }, opName);
    const result = await executeTraced(prepared, opName, context, inputs);
    return {
      response: answer(200, result.errors, result.data ?? null),
      name: opName,
      outcome: result.errors?.length ? 'error' : 'success',
    };
  }

  return {
    async start(metrics) {
      operations = metrics;
    },
    async handle(request, context) {
      const started = process.hrtime.bigint();
      const { response, name, outcome } = await execute(request, context);
      operations?.record(name, outcome, started);
      return response;
    },
    async stop() {
      documents.clear();
    },
  };
}

/** No-ops unless tracing is on (telemetry.ts): then one span per execution, as graphql-js's instrumentation gave. */
const tracer = trace.getTracer('crm-subgraph-executor');

function executeTraced(
  prepared: { run: Run; operation: OperationDefinitionNode },
  name: string | undefined,
  context: unknown,
  variables: Record<string, unknown>,
) {
  const type = prepared.operation.operation;
  return tracer.startActiveSpan(`${type} ${name ?? '(anonymous)'}`, async (span) => {
    span.setAttributes({ 'graphql.operation.type': type, 'graphql.operation.name': name ?? '' });
    try {
      const result = await prepared.run(context, variables);
      if (result.errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: result.errors[0].message });
      return result;
    } finally {
      span.end();
    }
  });
}

/**
 * The document as graphql-jit code; graphql-js runs the rare document with a variable inside a
 * list or object literal (`representations: [{ __typename: "Contact", id: $id }]`), whose
 * variables graphql-jit does not substitute into a custom scalar's literal (`_Any`).
 */
function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Run {
  if (hasVariableInLiteral(document)) {
    return (contextValue, variableValues) => execute({ schema, document, operationName, contextValue, variableValues }) as ReturnType<Run>;
  }
  const compiled = compileQuery(schema, document, operationName);
  if (!isCompiledQuery(compiled)) throw new Error(`graphql-jit could not compile a valid document: ${compiled.errors?.[0]?.message}`);
  return (context, variables) => compiled.query(undefined, context, variables);
}

function hasVariableInLiteral(document: DocumentNode): boolean {
  let depth = 0;
  let found = false;
  const literal = { enter: () => void depth++, leave: () => void depth-- };
  visit(document, {
    ListValue: literal,
    ObjectValue: literal,
    Variable() {
      if (depth > 0) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * graphql-jit reads a field without a resolver straight off its parent, where graphql-js would
 * call a function and await a promise (a connection's lazy `totalCount`). Outside production,
 * such a field gets a resolver that passes plain values and throws on a function or a promise,
 * so every test that reads one names the field that needs a resolver of its own.
 */
function checkPlainFields(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve) continue;
      const where = `${type.name}.${field.name}`;
      field.resolve = (source: Record<string, unknown> | null) => {
        const value = source?.[field.name];
        if (typeof value === 'function' || typeof (value as { then?: unknown } | null)?.then === 'function') {
          throw new Error(`${where} is a ${typeof value === 'function' ? 'function' : 'promise'} on its parent: give it a resolver`);
        }
        return value;
      };
    }
  }
}
