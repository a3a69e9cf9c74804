import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLNamedType,
  GraphQLSchema,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';

/** The cost model (docs/access.md): the numbers a query's cost is made of. */
export interface CostModel {
  /** Refused above this (400 GRAPHQL_VALIDATION_FAILED). */
  maxCost: number;
  /** `first` when absent: the largest default of any list (nested lists default to 50). */
  defaultPage: number;
  /** `first` is capped at this: subgraphs refuse more (BAD_USER_INPUT on `first`). */
  maxPage: number;
  /** A list field without `first` (stage history, comments, memberships): assumed this long. */
  unpagedList: number;
}

export const DEFAULT_COST_MODEL: CostModel = { maxCost: 100_000, defaultPage: 50, maxPage: 100, unpagedList: 10 };

type Variables = Record<string, unknown> | undefined;

/** The page a field asks for, literal or from a variable, within 1..maxPage. */
function pageOf(field: FieldNode, variables: Variables, model: CostModel): number {
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  const value = arg ? valueOf(arg.value, variables) : undefined;
  const n = typeof value === 'number' && Number.isFinite(value) ? value : model.defaultPage;
  return Math.min(model.maxPage, Math.max(1, Math.floor(n)));
}

function valueOf(node: ValueNode, variables: Variables): unknown {
  if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Variables;
  model: CostModel;
}

/**
 * Every field costs 1; a list multiplies what is under it by its length: `first` (variables
 * count as well as literals) for paged fields, `unpagedList` for the others. The items of a
 * connection (`edges`) are already counted by its `first`.
 */
function selectionCost(set: SelectionSetNode, type: GraphQLNamedType, walk: Walk, seen: Set<string>): number {
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? (walk.schema.getType(sel.typeCondition.name.value) ?? type) : type;
      total += selectionCost(sel.selectionSet, on, walk, seen);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = walk.fragments.get(sel.name.value);
      if (!fragment || seen.has(sel.name.value)) continue; // validation reports cycles and unknown fragments
      const on = walk.schema.getType(fragment.typeCondition.name.value) ?? type;
      total += selectionCost(fragment.selectionSet, on, walk, new Set([...seen, sel.name.value]));
    } else {
      total += fieldCost(sel, type, walk, seen);
    }
  }
  return total;
}

function fieldCost(field: FieldNode, parent: GraphQLNamedType, walk: Walk, seen: Set<string>): number {
  if (field.name.value.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return 0;
  const def = parent.getFields()[field.name.value];
  if (!def) return 0;
  const inner = field.selectionSet ? selectionCost(field.selectionSet, getNamedType(def.type), walk, seen) : 0;
  const paged = def.args.some((a) => a.name === 'first');
  const isList = isListType(getNullableType(def.type));
  const length = paged
    ? pageOf(field, walk.variables, walk.model)
    : isList && !parent.name.endsWith('Connection')
      ? walk.model.unpagedList
      : 1;
  return 1 + length * inner;
}

export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Variables,
  model: CostModel = DEFAULT_COST_MODEL,
): number {
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;
  const walk = { schema, fragments: new Map(fragments.map((f) => [f.name.value, f])), variables, model };
  return selectionCost(operation.selectionSet, root, walk, new Set());
}

/**
 * The cost limit as an Apollo plugin: it runs once the operation is known and its variables
 * coerced, so `first: $n` weighs what n is (graphql-armor's rule sees only literals).
 */
export function costLimitPlugin(model: CostModel = DEFAULT_COST_MODEL): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
          const cost = operationCost(schema, operation, fragments, request.variables, model);
          if (cost > model.maxCost) {
            throw new GraphQLError(
              `Query cost ${cost} exceeds the limit of ${model.maxCost} (lists count their page size, nested lists multiply)`,
              {
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost: model.maxCost, http: { status: 400 } },
              },
            );
          }
        },
      };
    },
  };
}
