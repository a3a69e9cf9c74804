import { LIFECYCLE_STAGES } from '../../src/domain/lifecycle';
import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';

let leads: TestService;
beforeAll(async () => {
  leads = await startTestService('leads_lifecycle', createService);
});
afterAll(() => leads.stop());

const capture = `mutation($email: String!) { captureLead(input: { email: $email }) { id lifecycleStage } }`;
const change = `mutation($input: ChangeLifecycleStageInput!) {
  changeLifecycleStage(input: $input) { id lifecycleStage stageHistory { from to reason source actor } }
}`;

async function newContact(tenantId: string, email: string): Promise<string> {
  const res = await leads.call<{ captureLead: { id: string } }>(capture, { email }, { tenantId });
  return res.data!.captureLead.id;
}

async function outboxFor(contactId: string) {
  return leads.service.db.query(
    `SELECT payload->'data'->>'from' AS "from", payload->'data'->>'to' AS "to", payload->'data'->>'reason' AS reason
       FROM crm_outbox WHERE message_key = $1 AND event_type = 'contact.lifecycle_stage_changed' ORDER BY seq`,
    [contactId],
  );
}

describe('changeLifecycleStage', () => {
  test('forward moves (skips allowed) and a recycle with a reason: history and events agree', async () => {
    const id = await newContact('lc', 'forward@example.com');
    await leads.call(change, { input: { contactId: id, stage: 'SQL' } }, { tenantId: 'lc', userId: 'rep-7' });
    const res = await leads.call(
      change,
      { input: { contactId: id, stage: 'MQL', reason: 'not ready to buy' } },
      { tenantId: 'lc', userId: 'rep-7' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.changeLifecycleStage).toEqual({
      id,
      lifecycleStage: 'MQL',
      stageHistory: [
        { from: null, to: 'LEAD', reason: 'captured', source: 'API', actor: 'user-1' },
        { from: 'LEAD', to: 'SQL', reason: null, source: 'API', actor: 'rep-7' },
        { from: 'SQL', to: 'MQL', reason: 'not ready to buy', source: 'API', actor: 'rep-7' },
      ],
    });
    expect(await outboxFor(id)).toEqual([
      { from: null, to: 'LEAD', reason: 'captured' },
      { from: 'LEAD', to: 'SQL', reason: null },
      { from: 'SQL', to: 'MQL', reason: 'not ready to buy' },
    ]);
  });

  test('an illegal move is CONFLICT naming from and to, and writes nothing', async () => {
    const id = await newContact('lc', 'illegal@example.com');
    await leads.call(change, { input: { contactId: id, stage: 'CUSTOMER' } }, { tenantId: 'lc' });
    const res = await leads.call(change, { input: { contactId: id, stage: 'LEAD', reason: 'oops' } }, { tenantId: 'lc' });
    expect(res.errors?.[0].message).toBe('Cannot move a contact from CUSTOMER to LEAD');
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION', from: 'CUSTOMER', to: 'LEAD' });
    expect(await outboxFor(id)).toHaveLength(2);
    const same = await leads.call(change, { input: { contactId: id, stage: 'CUSTOMER' } }, { tenantId: 'lc' });
    expect(same.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SAME_STAGE' });
  });

  test('a backward move without a reason is BAD_USER_INPUT on reason', async () => {
    const id = await newContact('lc', 'noreason@example.com');
    await leads.call(change, { input: { contactId: id, stage: 'CUSTOMER' } }, { tenantId: 'lc' });
    for (const reason of [null, '   ']) {
      const res = await leads.call(change, { input: { contactId: id, stage: 'CHURNED', reason } }, { tenantId: 'lc' });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    }
    const ok = await leads.call(
      change,
      { input: { contactId: id, stage: 'CHURNED', reason: 'cancelled subscription' } },
      { tenantId: 'lc' },
    );
    expect(ok.data!.changeLifecycleStage.lifecycleStage).toBe('CHURNED');
  });

  test('unknown contact, malformed id, another tenant', async () => {
    const id = await newContact('lc', 'mine@example.com');
    const missing = await leads.call(
      change,
      { input: { contactId: '7b0e9f4e-8d55-4a8e-9d43-2f8f8f8f8f8f', stage: 'MQL' } },
      { tenantId: 'lc' },
    );
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const malformed = await leads.call(change, { input: { contactId: 'nope', stage: 'MQL' } }, { tenantId: 'lc' });
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contactId' });
    const foreign = await leads.call(change, { input: { contactId: id, stage: 'MQL' } }, { tenantId: 'someone-else' });
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  test('100 concurrent changes to one contact leave one consistent history', async () => {
    const id = await newContact('lc', 'race@example.com');
    const targets = Array.from({ length: 100 }, (_, i) => LIFECYCLE_STAGES[i % LIFECYCLE_STAGES.length]);
    const results = await Promise.all(
      targets.map((stage) => leads.call(change, { input: { contactId: id, stage, reason: 'race' } }, { tenantId: 'lc' })),
    );
    const succeeded = results.filter((r) => !r.errors).length;
    for (const r of results.filter((x) => x.errors)) expect(r.errors![0].extensions?.code).toBe('CONFLICT');
    const history = await leads.service.db.query(
      'SELECT from_stage AS "from", to_stage AS "to" FROM stage_changes WHERE contact_id = $1 ORDER BY seq',
      [id],
    );
    expect(history).toHaveLength(succeeded + 1);
    for (let i = 1; i < history.length; i++) expect(history[i].from).toBe(history[i - 1].to); // an unbroken chain
    const [row] = await leads.service.db.query('SELECT lifecycle_stage, version FROM contacts WHERE id = $1', [id]);
    expect(row.lifecycle_stage).toBe(history.at(-1).to);
    const events = await outboxFor(id);
    expect(events.map((e: { to: string }) => e.to)).toEqual(history.map((h: { to: string }) => h.to)); // same order as history
  });
});
