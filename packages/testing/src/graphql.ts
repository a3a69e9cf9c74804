/** A plain HTTP GraphQL call, as a frontend or partner would make it. */
export interface GraphQLResponse<D = Record<string, any>> {
  status: number;
  data?: D | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

/** The exact bytes `graphql()` sends: what a signature over the body must cover. */
export const graphqlRequestBody = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

export async function graphql<D = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<D>> {
  return postGraphQL<D>(url, graphqlRequestBody(query, variables), headers);
}

/** POST a prepared JSON body; a non-JSON answer comes back as one error carrying the text. */
export async function postGraphQL<D = Record<string, any>>(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<D>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  try {
    return { status: res.status, ...(JSON.parse(text) as Omit<GraphQLResponse<D>, 'status'>) };
  } catch {
    return { status: res.status, errors: [{ message: text }] };
  }
}

/** Poll until `check` returns a value (not undefined/false) or time runs out: for event-driven effects. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
