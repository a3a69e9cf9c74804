import type { FieldNode, GraphQLResolveInfo, SelectionNode } from 'graphql';
import type { PageArgs } from './pagination';

// What a connection's selection asks of its page: the count, a related field, the columns. Only
// fields named plainly are looked at (no directive; fragments are not looked into), and whatever
// is not understood asks for everything, as before.

/** What pageArgs reads of a resolver's info. */
export type ConnectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes'>;

/**
 * The entity properties each GraphQL field of a node reads: a field left out (one whose resolver
 * reads the whole row) makes a page that selects it read whole rows.
 */
export type FieldColumns<T> = Readonly<Record<string, ReadonlyArray<keyof T & string>>>;

/** The field `name` among `selections`, named plainly. */
const plainField = (selections: readonly SelectionNode[] | undefined, name: string) =>
  selections?.find((s): s is FieldNode => s.kind === 'Field' && s.name.value === name && !s.directives?.length);

/** Each `edges { node { … } }` selection of the connection (undefined where it is not plain). */
const nodeSelections = (info: ConnectionInfo) =>
  info.fieldNodes.map(
    (node) => plainField(plainField(node.selectionSet?.selections, 'edges')?.selectionSet?.selections, 'node')?.selectionSet?.selections,
  );

/**
 * A connection field's page arguments: `countWithPage` when its selection names `totalCount`, and
 * with `fieldColumns`, the `columns` its nodes' fields read, when every one is declared.
 */
export function pageArgs<A extends PageArgs, T>(args: A, info: ConnectionInfo | undefined, fieldColumns?: FieldColumns<T>): A {
  if (!info) return args;
  const countWithPage = selectsTotalCount(info);
  const columns = fieldColumns && nodeColumns(info, fieldColumns);
  if (!countWithPage && !columns) return args;
  return { ...args, ...(countWithPage && { countWithPage }), ...(columns && { columns }) };
}

/** Whether a connection's selection names `totalCount` plainly. */
export const selectsTotalCount = (info: ConnectionInfo | undefined): boolean =>
  !!info?.fieldNodes.some((node) => plainField(node.selectionSet?.selections, 'totalCount'));

/** Whether a connection's `edges { node { … } }` selection names `field` plainly. */
export const selectsNodeField = (info: ConnectionInfo | undefined, field: string): boolean =>
  !!info && nodeSelections(info).some((selections) => !!plainField(selections, field));

/** The properties the nodes' selected fields read; undefined when any is not declared or not plain. */
function nodeColumns<T>(info: ConnectionInfo, fieldColumns: FieldColumns<T>): string[] | undefined {
  const columns = new Set<string>();
  for (const selections of nodeSelections(info)) {
    if (!selections) return undefined;
    for (const s of selections) {
      if (s.kind !== 'Field' || s.directives?.length) return undefined;
      if (s.name.value === '__typename') continue;
      const read = Object.hasOwn(fieldColumns, s.name.value) ? fieldColumns[s.name.value] : undefined;
      if (!read) return undefined;
      read.forEach((c) => columns.add(c));
    }
  }
  return [...columns];
}
