// The role matrix has one source: each subgraph's @access declarations (docs/access.md).
// Checked here against the composed supergraph, so an operation or entity added anywhere
// without a declaration fails this test (and its subgraph refuses to start).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Kind, ObjectTypeDefinitionNode, parse, StringValueNode } from 'graphql';
import { readAccessDeclarations, subgraphManifest } from '@crm/service-kit';

const root = path.resolve(__dirname, '../..');
const supergraph = parse(readFileSync(path.join(root, 'gateway/supergraph.graphql'), 'utf8'));
const objects = supergraph.definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);
const subgraphs = subgraphManifest().map((s) => ({
  name: s.name,
  doc: parse(readFileSync(path.join(root, s.schema), 'utf8')),
}));
const declarations = new Map(subgraphs.map((s) => [s.name, readAccessDeclarations(s.doc)]));
const definesField = (doc: ReturnType<typeof parse>, type: string, field: string) =>
  doc.definitions.some(
    (d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === type && d.fields?.some((f) => f.name.value === field),
  );

/** Per entity type of the supergraph, the subgraphs that declare a key on it. */
function entityGraphs(type: ObjectTypeDefinitionNode): string[] {
  const graphEnum = new Map<string, string>();
  for (const d of supergraph.definitions) {
    if (d.kind !== Kind.ENUM_TYPE_DEFINITION || d.name.value !== 'join__Graph') continue;
    for (const v of d.values ?? []) {
      const name = v.directives?.[0]?.arguments?.find((a) => a.name.value === 'name')?.value as StringValueNode;
      graphEnum.set(v.name.value, name.value);
    }
  }
  return (type.directives ?? [])
    .filter((d) => d.name.value === 'join__type' && d.arguments?.some((a) => a.name.value === 'key'))
    .map((d) => graphEnum.get((d.arguments!.find((a) => a.name.value === 'graph')!.value as { value: string }).value)!);
}

describe('every door of the supergraph is declared in the role matrix', () => {
  test.each(['Query', 'Mutation'])('every %s field has @access in each subgraph that serves it', (typeName) => {
    const fields = objects.find((o) => o.name.value === typeName)!.fields!.map((f) => f.name.value);
    expect(fields.length).toBeGreaterThan(10);
    const undeclared = fields.flatMap((field) => {
      const serving = subgraphs.filter((s) => definesField(s.doc, typeName, field));
      if (!serving.length) return [`${field} (no subgraph)`];
      return serving.filter((s) => !declarations.get(s.name)!.fields.has(`${typeName}.${field}`)).map((s) => `${s.name}: ${field}`);
    });
    expect(undeclared).toEqual([]);
  });

  test('every entity type has @access in each subgraph that resolves its references', () => {
    const entities = objects.filter((o) => entityGraphs(o).length);
    expect(entities.map((e) => e.name.value).sort()).toEqual(expect.arrayContaining(['Campaign', 'Company', 'Contact', 'Deal', 'Ticket']));
    const undeclared = entities.flatMap((e) =>
      entityGraphs(e)
        .filter((g) => !declarations.get(g)!.types.has(e.name.value))
        .map((g) => `${g}: ${e.name.value}`),
    );
    expect(undeclared).toEqual([]);
  });

  test('no resolver carries its own role check', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));
    const offenders = subgraphManifest()
      .flatMap((s) => files(path.join(root, 'services', s.name, 'src')))
      .filter((f) => f.endsWith('.ts') && /\b(authorize|checkAccess)\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
