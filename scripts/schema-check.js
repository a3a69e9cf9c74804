#!/usr/bin/env node
// `npm run schema:check`: compose the supergraph from every subgraph's SDL (composition errors
// fail), then compare each subgraph SDL and the supergraph's public API with the last released
// version in schema/released/ (@graphql-inspector/core). A breaking change fails unless it is
// listed in schema/acknowledged-changes.json with a reason.
//   node scripts/schema-check.js            check (CI runs this)
//   node scripts/schema-check.js --release  record the current schemas as the released version
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { parse } = require('graphql');
const { diff, CriticalityLevel } = require('@graphql-inspector/core');
const { buildSubgraphSchema } = require('@apollo/subgraph');
const { composeServices } = require('@apollo/composition');
const { Supergraph } = require('@apollo/federation-internals');

const root = path.join(__dirname, '..');
const releasedDir = path.join(root, 'schema/released');
const ackFile = path.join(root, 'schema/acknowledged-changes.json');
const { subgraphs } = require(path.join(root, 'subgraphs.json'));

function current() {
  const sdl = Object.fromEntries(subgraphs.map((s) => [s.name, readFileSync(path.join(root, s.schema), 'utf8')]));
  const composed = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: `http://localhost:${s.port}/graphql`, typeDefs: parse(sdl[s.name]) })),
  );
  if (composed.errors?.length)
    throw new Error(`Supergraph composition failed:\n${composed.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  return { sdl, supergraph: composed.supergraphSdl };
}

const subgraphSchema = (sdl) => buildSubgraphSchema({ typeDefs: parse(sdl) });
const apiSchema = (supergraphSdl) => Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();

async function changesOf(name, before, after, build) {
  return (await diff(build(before), build(after))).map((c) => ({
    schema: name,
    level: c.criticality.level,
    message: c.message,
    path: c.path ?? null,
  }));
}

async function main() {
  const now = current();
  if (process.argv.includes('--release')) {
    mkdirSync(releasedDir, { recursive: true });
    for (const [name, sdl] of Object.entries(now.sdl)) writeFileSync(path.join(releasedDir, `${name}.graphql`), sdl);
    writeFileSync(path.join(releasedDir, 'supergraph.graphql'), now.supergraph);
    process.stdout.write(`recorded ${subgraphs.length} subgraph schemas and the supergraph in schema/released/\n`);
    return;
  }
  const acknowledged = existsSync(ackFile) ? JSON.parse(readFileSync(ackFile, 'utf8')) : [];
  const changes = [];
  for (const [name, sdl] of Object.entries(now.sdl)) {
    const file = path.join(releasedDir, `${name}.graphql`);
    // A subgraph with no released version is new: nothing of it can break yet.
    if (existsSync(file)) changes.push(...(await changesOf(name, readFileSync(file, 'utf8'), sdl, subgraphSchema)));
  }
  const releasedSupergraph = path.join(releasedDir, 'supergraph.graphql');
  if (existsSync(releasedSupergraph))
    changes.push(...(await changesOf('supergraph', readFileSync(releasedSupergraph, 'utf8'), now.supergraph, apiSchema)));
  const isAcknowledged = (c) =>
    acknowledged.some(
      (a) => a.schema === c.schema && (a.path === c.path || a.message === c.message) && typeof a.reason === 'string' && a.reason.trim(),
    );
  const breaking = changes.filter((c) => c.level === CriticalityLevel.Breaking);
  const unacknowledged = breaking.filter((c) => !isAcknowledged(c));
  // Additions are listed only with --verbose: the breaking and dangerous ones are what a reviewer reads.
  const shown = process.argv.includes('--verbose') ? changes : changes.filter((c) => c.level !== CriticalityLevel.NonBreaking);
  for (const c of shown)
    process.stdout.write(`${c.level.padEnd(12)} ${c.schema}: ${c.message}${isAcknowledged(c) ? ' (acknowledged)' : ''}\n`);
  process.stdout.write(`schema check: ${changes.length} changes, ${breaking.length} breaking, ${unacknowledged.length} unacknowledged\n`);
  if (unacknowledged.length) {
    process.stderr.write(
      'Breaking changes need an entry in schema/acknowledged-changes.json: { "schema", "path" or "message", "reason" }\n',
    );
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
