import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

/** The five subgraphs, in a fixed order, with the URLs they listen on by default. */
export const SUBGRAPHS = [
  { name: 'leads', port: 4001 },
  { name: 'pipeline', port: 4002 },
  { name: 'tickets', port: 4003 },
  { name: 'campaigns', port: 4004 },
  { name: 'analytics', port: 4005 },
] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

const repoRoot = path.join(__dirname, '../..');
export const SUPERGRAPH_FILE = path.join(repoRoot, 'gateway/supergraph.graphql');

/** Compose the services' hand-written SDL files; throws with every composition error listed. */
export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map((s) => ({
      name: s.name,
      url: `http://localhost:${s.port}/graphql`,
      typeDefs: parse(readFileSync(path.join(repoRoot, 'services', s.name, 'src/schema.graphql'), 'utf8')),
    })),
  );
  if (result.errors?.length) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl!;
}

export function loadSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}

// `npm run compose`: writes gateway/supergraph.graphql, failing the build on composition errors.
if (require.main === module) {
  try {
    writeFileSync(SUPERGRAPH_FILE, composeSupergraph());
    process.stdout.write(`wrote ${path.relative(process.cwd(), SUPERGRAPH_FILE)}\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
