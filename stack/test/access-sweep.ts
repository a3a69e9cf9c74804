// What the access sweep walks, generated from the composed supergraph and the subgraphs' SDL:
// every root field with valid dummy arguments, every entity type per subgraph, and the scope
// each one declares. A new operation is in the sweep the day it is added.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildASTSchema,
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
} from 'graphql';
import { AccessScope, API_KEY_SCOPES, Identity, readAccessDeclarations, Role, ROLES, rolesFor, subgraphManifest } from '@crm/service-kit';

const root = path.resolve(__dirname, '../..');
const supergraphDoc = parse(readFileSync(path.join(root, 'gateway/supergraph.graphql'), 'utf8'));
export const supergraph: GraphQLSchema = buildASTSchema(supergraphDoc, { assumeValidSDL: true });
const subgraphDocs = new Map(subgraphManifest().map((s) => [s.name, parse(readFileSync(path.join(root, s.schema), 'utf8'))]));
const declarations = new Map([...subgraphDocs].map(([name, doc]) => [name, readAccessDeclarations(doc)]));

/** A valid value of an input type: required fields only, the first enum value, well-formed scalars. */
export function dummyValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType);
  if (isListType(type)) return [dummyValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, dummyValue(f.type)]),
    );
  }
  switch (type.name) {
    case 'ID':
      return randomUUID();
    case 'Int':
    case 'SafeInt':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return '2026-01-01T00:00:00.000Z';
    case 'JSON':
      return {};
    default:
      return 'x';
  }
}

export interface RootOperation {
  kind: 'query' | 'mutation';
  field: string;
  subgraph: string;
  scope: AccessScope;
  document: string;
  variables: () => Record<string, unknown>;
}

function documentFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const required = field.args.filter((a) => isNonNullType(a.type));
  const defs = required.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

/** The subgraph serving a root field: the one whose SDL defines it. */
function servingSubgraph(type: 'Query' | 'Mutation', field: string): string {
  for (const [name, doc] of subgraphDocs) {
    const defines = doc.definitions.some(
      (d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === type && d.fields?.some((f) => f.name.value === field),
    );
    if (defines) return name;
  }
  throw new Error(`No subgraph serves ${type}.${field}`);
}

export function rootOperations(): RootOperation[] {
  const ops: RootOperation[] = [];
  for (const [kind, type] of [
    ['query', supergraph.getQueryType()!],
    ['mutation', supergraph.getMutationType()!],
  ] as const) {
    for (const field of Object.values(type.getFields())) {
      const subgraph = servingSubgraph(type.name as 'Query' | 'Mutation', field.name);
      const scope = declarations.get(subgraph)!.fields.get(`${type.name}.${field.name}`)!;
      const required = field.args.filter((a) => isNonNullType(a.type));
      ops.push({
        kind,
        field: field.name,
        subgraph,
        scope,
        document: documentFor(kind, field),
        variables: () => Object.fromEntries(required.map((a) => [a.name, dummyValue(a.type)])),
      });
    }
  }
  return ops;
}

export interface EntityDoor {
  subgraph: string;
  type: string;
  scope: AccessScope;
  /** Leaf fields without arguments this subgraph resolves on the type (besides the key). */
  fields: string[];
}

/** Every (subgraph, entity type) pair: `_entities` is a door of its own into each. */
export function entityDoors(): EntityDoor[] {
  const doors: EntityDoor[] = [];
  for (const [subgraph, doc] of subgraphDocs) {
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || !def.directives?.some((d) => d.name.value === 'key')) continue;
      const type = supergraph.getType(def.name.value);
      if (!isObjectType(type)) continue;
      const fields = (def.fields ?? [])
        .filter((f) => f.name.value !== 'id' && !f.arguments?.some((a) => a.type.kind === Kind.NON_NULL_TYPE))
        .map((f) => f.name.value);
      doors.push({ subgraph, type: def.name.value, scope: declarations.get(subgraph)!.types.get(def.name.value)!, fields });
    }
  }
  return doors;
}

/** A selection of a field that is valid whatever its type: leaves as they are, objects by __typename. */
export function selectField(type: string, field: string): string {
  const t = supergraph.getType(type);
  if (!isObjectType(t)) return field;
  return isLeafType(getNamedType(t.getFields()[field].type)) ? field : `${field} { __typename }`;
}

export interface Caller {
  label: string;
  identity: Omit<Identity, 'tenantId' | 'userId'>;
  may(scope: AccessScope): boolean;
}

/** Each role alone, then each key scope alone: what the matrix says each may do. */
export function callers(): Caller[] {
  const roleCallers = ROLES.map((role: Role) => ({
    label: `role ${role}`,
    identity: { roles: [role] },
    may: (s: AccessScope) => rolesFor(s).includes(role),
  }));
  const keyCallers = API_KEY_SCOPES.map((scope) => ({
    label: `key ${scope}`,
    identity: { roles: [] as Role[], scopes: [scope] },
    may: (s: AccessScope) => s === scope || (s.endsWith(':read') && scope === s.replace(/:read$/, ':write')),
  }));
  return [...roleCallers, ...keyCallers];
}
