import { composeSupergraph, loadSupergraph, SUBGRAPHS } from '../src/compose';

test('the committed supergraph is what the services SDL composes to (run `npm run build` after SDL changes)', () => {
  const composed = composeSupergraph();
  expect(loadSupergraph()).toBe(composed);
  for (const { name } of SUBGRAPHS) expect(composed).toContain(`${name.toUpperCase()} @join__graph(name: "${name}"`);
});
