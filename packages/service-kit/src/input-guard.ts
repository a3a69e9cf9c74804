import { defaultFieldResolver, GraphQLSchema, isObjectType } from 'graphql';
import { badInput } from './errors';

/** C0 controls but tab, newline and carriage return, and DEL: never meaningful in text we store or search. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The first string under `value` holding a control character, with the name of its field. */
export function findControlCharacter(value: unknown, field: string, depth = 0): string | undefined {
  if (typeof value === 'string') return CONTROL.test(value) ? field : undefined;
  // The HTTP layer refuses bodies nested deeper than 64 levels; arguments never get here deeper.
  if (depth > 64 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const hit = findControlCharacter(item, field, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (CONTROL.test(key)) return field;
    const hit = findControlCharacter(item, key, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * One validation for every text input of a subgraph: each field that takes arguments checks the
 * coerced arguments (free text, search terms, ids, JSON rules alike) before its resolver runs,
 * so no resolver needs its own check and no control character reaches the database.
 */
export function guardTextInputs(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.length) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        for (const [name, value] of Object.entries(args)) {
          const hit = findControlCharacter(value, name);
          if (hit) throw badInput(hit, `${hit} must not contain control characters`);
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
