// The attacker's side of the hostile-input suites: every request is counted by class, and every
// answer is checked the same way (no 5xx, every error coded, never INTERNAL_SERVER_ERROR).
import { randomUUID } from 'node:crypto';
import { signIdentity } from '@crm/service-kit';
import { eventually, graphqlRequestBody, GraphQLResponse, postGraphQL, TEST_SUBGRAPH_SECRET } from '@crm/testing';
import type { TestStack } from './helpers';
import { rawRequest, RawResponse } from './raw-http';

const port = (url: string) => Number(new URL(url).port);

function expectCoded(status: number, errors: GraphQLResponse['errors']) {
  expect(status).toBeLessThan(500);
  for (const e of errors ?? []) {
    expect({ message: e.message, code: typeof e.extensions?.code }).toEqual({ message: e.message, code: 'string' });
    expect(e.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  }
}

export class Attacker {
  readonly tenant = `hostile-${randomUUID().slice(0, 8)}`;
  readonly sent: Record<string, number> = {};
  readonly statuses: number[] = [];
  contactId = '';
  dealId = '';

  constructor(private readonly stack: () => TestStack) {}

  get gatewayPort() {
    return port(this.stack().gatewayUrl);
  }
  subgraphPort(name: string) {
    return port(this.stack().services[name].url);
  }
  count(kind: string, n = 1) {
    this.sent[kind] = (this.sent[kind] ?? 0) + n;
  }

  /** Through the gateway, as the tenant's admin. */
  async gql(kind: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> {
    this.count(kind);
    const res = await this.stack().as(this.tenant)(query, variables);
    this.statuses.push(res.status);
    expectCoded(res.status, res.errors);
    return res;
  }

  /** Straight to a subgraph with a valid gateway signature: what a subgraph must survive on its own. */
  async direct(kind: string, subgraph: string, query: string, variables: Record<string, unknown> = {}) {
    this.count(kind);
    const body = graphqlRequestBody(query, variables);
    const headers = signIdentity({ tenantId: this.tenant, userId: 'attacker', roles: ['admin'] }, TEST_SUBGRAPH_SECRET, {
      method: 'POST',
      subgraph,
      body,
    });
    const res = await postGraphQL(this.stack().services[subgraph].url, body, headers);
    this.statuses.push(res.status);
    expectCoded(res.status, res.errors);
    return res;
  }

  /** Raw bytes on a fresh connection; afterwards a new connection must still be served. */
  async raw(
    kind: string,
    target: number,
    bytes: Parameters<typeof rawRequest>[1],
    opts?: Parameters<typeof rawRequest>[2],
  ): Promise<RawResponse> {
    this.count(kind);
    const res = await rawRequest(target, bytes, opts);
    if (res.status) this.statuses.push(res.status);
    expect(res.status).toBeLessThan(500);
    const next = await rawRequest(target, 'GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', { waitForClose: true });
    expect(next.status).toBe(200);
    return res;
  }

  /** The tenant's rows in leads and pipeline. */
  async rows() {
    const one = async (service: string, table: string) =>
      (await this.stack().services[service].db.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [this.tenant]))[0]
        .n as number;
    return {
      contacts: await one('leads', 'contacts'),
      companies: await one('leads', 'companies'),
      deals: await one('pipeline', 'deals'),
      activities: await one('pipeline', 'activities'),
    };
  }

  /** A contact with a deal: something for the hostile requests to aim at. */
  async seed() {
    const q = this.stack().as(this.tenant);
    const c = await q<{ captureLead: { id: string } }>(
      'mutation { captureLead(input: { email: "seed@hostile.example", companyDomain: "hostile.example" }) { id } }',
    );
    this.contactId = c.data!.captureLead.id;
    // Pipeline knows the contact once leads' contact.created has reached it.
    this.dealId = await eventually(async () => {
      const d = await q<{ createDeal: { id: string } }>(
        'mutation($c: ID!) { createDeal(input: { contactId: $c, title: "Seed", amount: 100 }) { id } }',
        { c: this.contactId },
      );
      return d.data?.createDeal.id;
    });
  }

  /** Every process still serves /health. */
  async expectAllServing() {
    for (const target of [this.gatewayPort, ...Object.keys(this.stack().services).map((s) => this.subgraphPort(s))]) {
      expect(
        (await rawRequest(target, 'GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', { waitForClose: true })).status,
      ).toBe(200);
    }
  }

  report(suite: string) {
    const total = Object.values(this.sent).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `${suite}: ${total} requests, ${this.statuses.filter((s) => s >= 500).length} with status >= 500\n${JSON.stringify(this.sent)}\n`,
    );
  }
}
