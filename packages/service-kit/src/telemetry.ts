/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is loaded only when tracing is on */
import { isBuiltin } from 'node:module';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  /** Spans go here instead of OTLP (tests: an InMemorySpanExporter); starts tracing even without an endpoint. */
  exporter?: SpanExporter;
}

export interface Telemetry {
  enabled: boolean;
  /** Flush pending spans and stop exporting. */
  shutdown(): Promise<void>;
}

const OFF: Telemetry = { enabled: false, shutdown: async () => undefined };
let running: Telemetry | undefined;

/**
 * Traces by OpenTelemetry: HTTP in and out (gateway → subgraphs), GraphQL parse/validate/execute,
 * pg statements, and the event hop (service-kit's emit writes `traceparent` into the outbox row,
 * the relay publishes it as a Kafka header, the consumer continues the trace). Exported by OTLP
 * over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise nothing is loaded or patched, and
 * the OpenTelemetry API calls elsewhere are no-ops. Call before the service's modules run
 * (main.ts does it first). One provider per process: a second call returns the first.
 */
export function startTelemetry(serviceName: string, opts: TelemetryOptions = {}): Telemetry {
  if (running) return running;
  if (!opts.exporter && !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return OFF;
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor, SimpleSpanProcessor } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');

  const processor = opts.exporter
    ? new SimpleSpanProcessor(opts.exporter)
    : new BatchSpanProcessor(new (require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)());
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || serviceName }),
    spanProcessors: [processor],
  });
  provider.register(); // AsyncLocalStorage context and the W3C traceparent propagator
  const instrumentations: Instrumentation[] = [
    // Probes and scrapes are not requests worth a trace.
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(metrics|health|ready)\b/.test(req.url ?? '') }),
    // Only statements inside a traced request or event (not the relay's polling).
    new PgInstrumentation({ requireParentSpan: true }),
    new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
  ];
  const unregister = registerInstrumentations({ instrumentations, tracerProvider: provider });
  // Modules loaded before this call (graphql, http; everything in Jest's own registry, which
  // require hooks never see) are patched in place; later requires go through the hooks.
  patchLoaded(instrumentations, require);
  running = {
    enabled: true,
    async shutdown() {
      unregister();
      running = undefined;
      await provider.shutdown();
    },
  };
  return running;
}

type ModuleDefinition = {
  name: string;
  patch?: (exports: unknown, version?: string) => unknown;
  moduleExports?: unknown;
  moduleVersion?: string;
  files: Array<{ name: string; patch: (exports: unknown, version?: string) => unknown; moduleExports?: unknown }>;
};

/** Apply each instrumentation's patches to modules a loader already holds (Jest's registry). */
function patchLoaded(instrumentations: Instrumentation[], load: (id: string) => unknown) {
  for (const instrumentation of instrumentations) {
    const defs = (instrumentation as unknown as { getModuleDefinitions(): ModuleDefinition[] }).getModuleDefinitions();
    for (const def of defs) {
      let version: string;
      try {
        version = isBuiltin(def.name) ? process.versions.node : (load(`${def.name}/package.json`) as { version: string }).version;
      } catch {
        continue; // not installed (pg-native, ...)
      }
      // Recorded as the hooks record them, so shutdown's disable() unpatches these too.
      if (def.patch) {
        def.moduleExports = load(def.name);
        def.moduleVersion = version;
        def.patch(def.moduleExports, version);
        continue;
      }
      for (const file of def.files) {
        try {
          file.moduleExports = load(file.name);
          file.patch(file.moduleExports, version);
        } catch {
          file.moduleExports = undefined; // an optional file of another version
        }
      }
    }
  }
}

/** An exporter that keeps spans in memory (tests); loads the SDK only when called. */
export function inMemorySpanExporter(): import('@opentelemetry/sdk-trace-base').InMemorySpanExporter {
  const { InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  return new InMemorySpanExporter();
}
