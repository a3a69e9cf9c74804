import { execFileSync } from 'node:child_process';
import path from 'node:path';

// In a plain node process (as main.ts runs): tracing off loads no SDK and patches nothing.
const kit = path.join(__dirname, '..', 'dist', 'index.js');
const probe = `
  const http = require('node:http');
  const kit = require(${JSON.stringify(kit)});
  const t = kit.startTelemetry('probe');
  const pg = require('pg');
  console.log(JSON.stringify({
    enabled: t.enabled,
    sdkLoaded: Object.keys(require.cache).some((k) => k.includes('sdk-trace') || k.includes('instrumentation-')),
    httpPatched: typeof http.request.__wrapped === 'boolean',
    pgPatched: typeof pg.Client.prototype.query.__wrapped === 'boolean',
  }));
  t.shutdown();
`;
const run = (env: Record<string, string>) => {
  const vars: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) delete vars.OTEL_EXPORTER_OTLP_ENDPOINT;
  return JSON.parse(execFileSync(process.execPath, ['-e', probe], { env: vars, encoding: 'utf8' }).trim().split('\n').at(-1)!);
};

test('without OTEL_EXPORTER_OTLP_ENDPOINT no SDK is loaded and nothing is patched', () => {
  expect(run({})).toEqual({ enabled: false, sdkLoaded: false, httpPatched: false, pgPatched: false });
});

test('with an endpoint the SDK starts and http and pg are instrumented', () => {
  expect(run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({
    enabled: true,
    sdkLoaded: true,
    httpPatched: true,
    pgPatched: true,
  });
});
