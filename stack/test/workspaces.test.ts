// The house rules of the layout (docs/architecture.md), checked on the sources themselves:
// every workspace declares what its code imports, libraries never import a service or the
// gateway, and every subgraph of the manifest has the same shape.
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { subgraphManifest } from '@crm/service-kit';

const root = path.resolve(__dirname, '../..');
const SERVICES = subgraphManifest().map((s) => s.name);
const WORKSPACES = [
  'packages/events',
  'packages/service-kit',
  'packages/testing',
  ...SERVICES.map((s) => `services/${s}`),
  'gateway',
  'stack',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Package names a file imports at run time (type-only imports and relative paths left out). */
function runtimeImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs = [...src.matchAll(/^\s*import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
  return specs
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
}

describe('workspaces', () => {
  test.each(WORKSPACES)('%s declares every package its code imports, and none of their dist/ internals', (ws) => {
    const pkg = JSON.parse(readFileSync(path.join(root, ws, 'package.json'), 'utf8'));
    const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }));
    for (const file of sourceFiles(path.join(root, ws, 'src'))) {
      const rel = path.relative(root, file);
      for (const name of runtimeImports(file))
        expect({ file: rel, imports: name, declared: declared.has(name) }).toEqual({ file: rel, imports: name, declared: true });
      expect({ file: rel, distImport: /from '[^'.][^']*\/dist\//.test(readFileSync(file, 'utf8')) }).toEqual({
        file: rel,
        distImport: false,
      });
    }
  });

  test('packages/ import no service, no gateway and no stack', () => {
    const forbidden = new Set([...SERVICES.map((s) => `@crm/${s}`), '@crm/gateway', '@crm/stack']);
    for (const ws of WORKSPACES.filter((w) => w.startsWith('packages/'))) {
      for (const file of sourceFiles(path.join(root, ws, 'src'))) {
        const src = readFileSync(file, 'utf8');
        const used = [...src.matchAll(/from '(@crm\/[^']+)'/g)].map((m) => m[1]).filter((n) => forbidden.has(n));
        expect({ file: path.relative(root, file), used }).toEqual({ file: path.relative(root, file), used: [] });
      }
    }
  });

  test.each(SERVICES)('services/%s has the service shape', (name) => {
    const dir = path.join(root, 'services', name);
    for (const part of [
      'src/schema.graphql',
      'src/context.ts',
      'src/graph',
      'src/use-cases',
      'src/domain',
      'src/entities',
      'src/migrations',
      'src/events.ts',
      'src/loaders.ts',
      'src/service.ts',
      'src/main.ts',
      'test/domain',
      'test/integration',
    ]) {
      expect({ service: name, part, exists: existsSync(path.join(dir, part)) }).toEqual({ service: name, part, exists: true });
    }
  });

  test('every folder under services/ is a subgraph of the manifest', () => {
    const folders = readdirSync(path.join(root, 'services')).filter((d) => existsSync(path.join(root, 'services', d, 'package.json')));
    expect(folders.sort()).toEqual([...SERVICES].sort());
  });
});
