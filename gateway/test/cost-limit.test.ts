import { buildSchema, FragmentDefinitionNode, Kind, OperationDefinitionNode, parse } from 'graphql';
import { DEFAULT_COST_MODEL, operationCost } from '../src/cost-limit';
import { refillAndTake } from '../src/rate-limit';

const schema = buildSchema(`
  type Query { contacts(first: Int): ContactConnection! contact(id: ID!): Contact }
  type ContactConnection { edges: [ContactEdge!]! totalCount: Int! }
  type ContactEdge { node: Contact! }
  type Contact { id: ID! email: String! deals(first: Int): [Deal!] history: [Change!]! }
  type Deal { id: ID! title: String! contact: Contact! }
  type Change { at: String! }
`);

function cost(query: string, variables?: Record<string, unknown>) {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return operationCost(schema, op, fragments, variables);
}

describe('query cost', () => {
  test('a field costs 1; a page multiplies what is under it; edges are counted by first', () => {
    expect(cost('{ contact(id: "1") { id email } }')).toBe(3);
    expect(cost('{ contacts(first: 100) { totalCount edges { node { id } } } }')).toBe(1 + 100 * (1 + 1 + 1 + 1));
  });

  test('first from a variable weighs like a literal, capped at the largest page', () => {
    const q = 'query($n: Int) { contacts(first: $n) { edges { node { id } } } }';
    expect(cost(q, { n: 10 })).toBe(cost('{ contacts(first: 10) { edges { node { id } } } }'));
    expect(cost(q, { n: 1e9 })).toBe(cost('{ contacts(first: 100) { edges { node { id } } } }'));
    expect(cost(q, {})).toBe(cost(`{ contacts(first: ${DEFAULT_COST_MODEL.defaultPage}) { edges { node { id } } } }`));
  });

  test('nested lists multiply; lists without first count as unpagedList; fragments count', () => {
    expect(cost('{ contact(id: "1") { history { at } } }')).toBe(1 + 1 + DEFAULT_COST_MODEL.unpagedList * 1);
    const nested = '{ contacts(first: 100) { edges { node { deals(first: 100) { contact { deals(first: 100) { id } } } } } } }';
    expect(cost(nested)).toBeGreaterThan(1_000_000);
    expect(cost('query { ...F } fragment F on Query { contacts(first: 5) { totalCount } }')).toBe(1 + 5);
  });
});

describe('token bucket', () => {
  test('a full minute of burst, then the steady rate, with the wait until the next token', () => {
    let state: { tokens: number; atMs: number } | undefined;
    let allowed = 0;
    for (let i = 0; i < 70; i++) {
      const r = refillAndTake(state, 60, 0);
      state = r.state;
      if (r.take.allowed) allowed++;
    }
    expect(allowed).toBe(60);
    expect(refillAndTake(state, 60, 0).take).toEqual({ allowed: false, retryAfterMs: 1000 });
    expect(refillAndTake(state, 60, 500).take).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(refillAndTake(state, 60, 1000).take.allowed).toBe(true);
  });
});
