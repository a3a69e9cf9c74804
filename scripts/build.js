#!/usr/bin/env node
// `npm run build`: compile every workspace (tsc -b, incremental), ship each subgraph's SDL
// beside its compiled code (dist/schema.graphql), and compose gateway/supergraph.graphql.
// Before tsc, scripts/codegen.js types each service's resolver map from its SDL.
// The subgraphs come from subgraphs.json, so a new one needs no line here.
const { execFileSync } = require('node:child_process');
const { copyFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { subgraphs } = require(path.join(root, 'subgraphs.json'));

const projects = [
  'packages/events',
  'packages/service-kit',
  'packages/testing',
  ...subgraphs.map((s) => `services/${s.name}`),
  'gateway',
  'stack',
];

function build({ compose = true } = {}) {
  // Resolver types from each SDL first (services/<name>/src/generated/graphql.ts, git-ignored).
  execFileSync(process.execPath, [path.join(__dirname, 'codegen.js')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', ...projects], { cwd: root, stdio: 'inherit' });
  for (const s of subgraphs) {
    const dist = path.join(root, 'services', s.name, 'dist');
    mkdirSync(dist, { recursive: true });
    copyFileSync(path.join(root, s.schema), path.join(dist, 'schema.graphql'));
  }
  if (compose) execFileSync(process.execPath, ['gateway/dist/compose.js'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

module.exports = { build, projects };

if (require.main === module) {
  try {
    build();
  } catch {
    process.stderr.write('build failed; see the errors above\n');
    process.exit(1);
  }
}
