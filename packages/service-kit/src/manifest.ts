import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The subgraph manifest (`subgraphs.json` at the repository root): name, default port, SDL path
 * and database of every subgraph. Composition, the gateway's URL config, the embedded stack,
 * Jest, the Dockerfile and the compose check all read it, so a new subgraph is one entry.
 */
export const SubgraphEntrySchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  port: z.number().int().min(1).max(65535),
  schema: z.string().min(1),
  database: z.string().regex(/^[a-z][a-z0-9_]*$/),
});
export type SubgraphEntry = z.infer<typeof SubgraphEntrySchema>;

/** The repository root: where subgraphs.json is (source and dist are both three levels down). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const MANIFEST_FILE = path.join(REPO_ROOT, 'subgraphs.json');

let cached: readonly SubgraphEntry[] | undefined;

export function subgraphManifest(file = MANIFEST_FILE): readonly SubgraphEntry[] {
  if (file === MANIFEST_FILE && cached) return cached;
  if (!existsSync(file)) throw new Error(`Subgraph manifest not found: ${file}`);
  const parsed = z.object({ subgraphs: z.array(SubgraphEntrySchema).min(1) }).parse(JSON.parse(readFileSync(file, 'utf8')));
  const names = parsed.subgraphs.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`Subgraph ${dup} is listed twice in ${file}`);
  if (file === MANIFEST_FILE) cached = parsed.subgraphs;
  return parsed.subgraphs;
}

/** The manifest entry of one subgraph; an unknown name is an error, never a default. */
export function subgraphEntry(name: string): SubgraphEntry {
  const entry = subgraphManifest().find((s) => s.name === name);
  if (!entry) throw new Error(`Unknown subgraph ${name}: add it to subgraphs.json`);
  return entry;
}
