import {
  DocumentNode,
  GraphQLSchema,
  GraphQLResolveInfo,
  Kind,
  ObjectTypeDefinitionNode,
  ObjectTypeExtensionNode,
  StringValueNode,
  defaultFieldResolver,
  isObjectType,
} from 'graphql';
import { forbidden } from './errors';
import type { Identity, Role } from './identity';

/**
 * The role matrix (docs/security.md), keyed by the scope an operation declares in its subgraph's SDL
 * with `@access(scope: "...")`. Admin may do everything; `admin` is the scope of settings and
 * administration, which only the admin role holds (no API key can carry it).
 */
export const ACCESS_MATRIX = {
  'contacts:read': ['sales', 'marketing', 'support', 'analyst'],
  'contacts:write': ['sales', 'marketing'],
  'deals:read': ['sales', 'marketing', 'support', 'analyst'],
  'deals:write': ['sales'],
  'tickets:read': ['sales', 'support', 'analyst'],
  'tickets:write': ['support'],
  'campaigns:read': ['sales', 'marketing', 'analyst'],
  'campaigns:write': ['marketing'],
  'analytics:read': ['sales', 'marketing', 'support', 'analyst'],
  admin: [],
  /** The gateway's own calls (API key look-ups): no role, no key; only the gateway signs it. */
  internal: [],
} as const satisfies Record<string, readonly Role[]>;

export type AccessScope = keyof typeof ACCESS_MATRIX;
export const ACCESS_SCOPES = Object.keys(ACCESS_MATRIX) as AccessScope[];
/** What an API key may carry: every scope but `admin` and `internal`. */
export const API_KEY_SCOPES = ACCESS_SCOPES.filter((s) => s !== 'admin' && s !== 'internal');
/** The identity the gateway signs for its own calls to a subgraph (never a user's or a key's). */
export const GATEWAY_IDENTITY: Identity = { tenantId: '_gateway', userId: 'gateway', roles: [], scopes: ['internal'] };

/** The SDL declaration every subgraph carries (subgraph-local: composition drops it). */
export const ACCESS_DIRECTIVE = 'access';

export const isAccessScope = (s: string): s is AccessScope => Object.prototype.hasOwnProperty.call(ACCESS_MATRIX, s);

/** The roles that may act under a scope: admin always, then the matrix. */
export const rolesFor = (scope: AccessScope): Role[] => (scope === 'internal' ? [] : ['admin', ...ACCESS_MATRIX[scope]]);

/** A key's scopes grant what they name; `x:write` also grants `x:read` (a writer reads what it wrote). */
export function keyHolds(scopes: readonly string[], scope: AccessScope): boolean {
  if (scopes.includes(scope)) return true;
  return scope.endsWith(':read') && scopes.includes(scope.replace(/:read$/, ':write'));
}

/** FORBIDDEN naming the operation and what is missing, or nothing when the caller may. */
export function checkAccess(identity: Identity, scope: AccessScope, operation: string): void {
  if (identity.scopes) {
    if (scope !== 'admin' && keyHolds(identity.scopes, scope)) return; // only the gateway's own identity holds `internal`
    throw forbidden(`${operation} requires the ${scope} scope`, { operation, requiredScope: scope });
  }
  const roles = rolesFor(scope);
  if (scope === 'internal') throw forbidden(`${operation} is internal to the gateway`, { operation, requiredScope: scope });
  if (roles.some((r) => identity.roles.includes(r))) return;
  throw forbidden(`${operation} requires one of the roles: ${roles.join(', ')}`, { operation, requiredRoles: roles, requiredScope: scope });
}

type TypeNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;
const isObjectNode = (d: { kind: string }): d is TypeNode =>
  d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION;

function scopeOf(
  node: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: unknown }[] }[] },
  where: string,
): AccessScope | undefined {
  const directive = node.directives?.find((d) => d.name.value === ACCESS_DIRECTIVE);
  if (!directive) return undefined;
  const value = (directive.arguments?.find((a) => a.name.value === 'scope')?.value as StringValueNode | undefined)?.value;
  if (!value || !isAccessScope(value)) throw new Error(`@access on ${where} names an unknown scope "${value}"`);
  return value;
}

/** What a subgraph's SDL declares: per root field, per entity type, per other field. */
export interface AccessDeclarations {
  fields: Map<string, AccessScope>; // "Type.field"
  types: Map<string, AccessScope>;
  /** Root fields and entity types without a declaration: a subgraph with any refuses to start. */
  missing: string[];
}

export function readAccessDeclarations(doc: DocumentNode): AccessDeclarations {
  const fields = new Map<string, AccessScope>();
  const types = new Map<string, AccessScope>();
  const missing: string[] = [];
  for (const def of doc.definitions.filter(isObjectNode)) {
    const type = def.name.value;
    const typeScope = scopeOf(def, type);
    if (typeScope) types.set(type, typeScope);
    const isRoot = type === 'Query' || type === 'Mutation';
    const isEntity = def.directives?.some((d) => d.name.value === 'key');
    if (isEntity && !typeScope) missing.push(type);
    for (const field of def.fields ?? []) {
      const scope = scopeOf(field, `${type}.${field.name.value}`);
      if (scope) fields.set(`${type}.${field.name.value}`, scope);
      else if (isRoot && !typeScope) missing.push(`${type}.${field.name.value}`);
    }
  }
  return { fields, types, missing };
}

type Resolve = (source: unknown, args: unknown, context: { identity?: Identity }, info: GraphQLResolveInfo) => unknown;

function guard(scope: AccessScope, operation: string, resolve: Resolve): Resolve {
  return (source, args, context, info) => {
    // Subgraph contexts carry the verified identity; without one nothing is allowed.
    if (!context?.identity) throw forbidden(`${operation} requires an identity`, { operation, requiredScope: scope });
    checkAccess(context.identity, scope, operation);
    return resolve(source, args, context, info);
  };
}

/**
 * Enforce the declarations on a built subgraph schema: each declared field checks before it
 * resolves; a declared type checks on every field and on `__resolveReference`, so `_entities`
 * (another subgraph's door into this one) obeys the same matrix as the root fields.
 */
export function enforceAccess(schema: GraphQLSchema, decl: AccessDeclarations): GraphQLSchema {
  if (decl.missing.length) throw new Error(`Missing @access(scope:) declarations on: ${decl.missing.join(', ')}`);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeScope = decl.types.get(type.name);
    for (const field of Object.values(type.getFields())) {
      const scope = decl.fields.get(`${type.name}.${field.name}`) ?? typeScope;
      if (!scope) continue;
      const operation = type.name === 'Query' || type.name === 'Mutation' ? field.name : `${type.name}.${field.name}`;
      field.resolve = guard(scope, operation, (field.resolve ?? defaultFieldResolver) as Resolve) as never;
    }
    if (typeScope) {
      const extensions = type.extensions as Record<string, any>;
      const resolveReference = extensions.apollo?.subgraph?.resolveReference ?? ((ref: unknown) => ref);
      const check = guard(typeScope, `_entities(${type.name})`, (ref, _args, context, info) => resolveReference(ref, context, info));
      // A rejected promise, not a throw: the other representations of the batch still resolve.
      const resolve = (ref: unknown, context: { identity?: Identity }, info: GraphQLResolveInfo) => {
        try {
          return check(ref, {}, context, info);
        } catch (err) {
          return Promise.reject(err);
        }
      };
      type.extensions = {
        ...extensions,
        apollo: { ...extensions.apollo, subgraph: { ...extensions.apollo?.subgraph, resolveReference: resolve } },
      };
    }
  }
  return schema;
}
