import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { REPO_ROOT, subgraphManifest } from '@crm/service-kit';

/** The subgraphs, in the manifest's order (subgraphs.json). */
export const SUBGRAPHS = subgraphManifest();
export type SubgraphName = string;
/** The gateway's environment variable with a subgraph's URL: LEADS_URL, PIPELINE_URL, ... */
export const urlVariable = (name: string) => `${name.toUpperCase().replace(/-/g, '_')}_URL`;

export const SUPERGRAPH_FILE = path.join(REPO_ROOT, 'gateway/supergraph.graphql');

/** Compose the services' hand-written SDL files; throws with every composition error listed. */
export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map((s) => ({
      name: s.name,
      url: `http://localhost:${s.port}/graphql`,
      typeDefs: parse(readFileSync(path.join(REPO_ROOT, s.schema), 'utf8')),
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
