import { eventually, startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { CREATE_DEAL, leadsMessage, knownContact, newId, ok, outbox } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('pipeline_events', createService);
});
afterAll(() => svc.stop());

const toSql = (tenantId: string, contactId: string, actor: string | null = 'rep-7', to: 'SQL' | 'MQL' = 'SQL') =>
  leadsMessage(
    'contact.lifecycle_stage_changed',
    tenantId,
    contactId,
    { from: 'MQL', to, reason: null, source: 'API', at: new Date().toISOString() },
    actor,
  );

const dealsOf = (contactId: string) =>
  svc.service.db.query(
    `SELECT d.tenant_id, d.title, d.amount::int AS amount, d.currency, d.status, d.owner_id, d.kind, s.name AS stage, p.is_default
       FROM deals d JOIN pipeline_stages s ON s.id = d.stage_id JOIN pipelines p ON p.id = d.pipeline_id
      WHERE d.contact_id = $1`,
    [contactId],
  );

describe('contact.lifecycle_stage_changed to SQL', () => {
  test('opens one deal in the default pipeline first stage, owned by the actor, with its events', async () => {
    const contactId = newId();
    await svc.call('{ pipelines { id } }', {}, { tenantId: 'ev-a' });
    await svc.transport.publish([toSql('ev-a', contactId).message]);
    const deals = await dealsOf(contactId);
    expect(deals).toEqual([
      {
        tenant_id: 'ev-a',
        title: 'New opportunity',
        amount: 0,
        currency: 'USD',
        status: 'OPEN',
        owner_id: 'rep-7',
        kind: 'NEW_BUSINESS',
        stage: 'Prospecting',
        is_default: true,
      },
    ]);
    const [{ id }] = await svc.service.db.query('SELECT id FROM deals WHERE contact_id = $1', [contactId]);
    const events = await outbox(svc, id);
    expect(events.map((e) => [e.event_type, e.actor])).toEqual([
      ['deal.created', 'rep-7'],
      ['deal.stage_changed', 'rep-7'],
    ]);
    expect(events[0].data).toMatchObject({ contactId, amount: 0, currency: 'USD', kind: 'NEW_BUSINESS', ownerId: 'rep-7' });
    const [history] = await svc.service.db.query('SELECT actor, from_stage_id FROM deal_stage_changes WHERE deal_id = $1', [id]);
    expect(history).toEqual({ actor: 'rep-7', from_stage_id: null });
  });

  test('the same event delivered twice makes one deal (the consumer records the event id with the effect)', async () => {
    const contactId = newId();
    const { message } = toSql('ev-a', contactId);
    const before = svc.service.consumer.duplicates;
    await svc.transport.publish([message, message]);
    await svc.transport.publish([message]);
    expect(await dealsOf(contactId)).toHaveLength(1);
    expect(svc.service.consumer.duplicates).toBe(before + 2);
    const [{ n }] = await svc.service.db.query(
      `SELECT count(*)::int AS n FROM crm_outbox WHERE event_type = 'deal.created' AND payload->'data'->>'contactId' = $1`,
      [contactId],
    );
    expect(n).toBe(1);
  });

  test('a second SQL event while a deal is open does nothing; after the deal closes, a new SQL opens a new one', async () => {
    const contactId = newId();
    await svc.transport.publish([toSql('ev-a', contactId).message]);
    await svc.transport.publish([toSql('ev-a', contactId).message]);
    const deals = await dealsOf(contactId);
    expect(deals).toHaveLength(1);
    const [{ id }] = await svc.service.db.query('SELECT id FROM deals WHERE contact_id = $1', [contactId]);
    await ok(
      svc,
      `mutation($input: LoseDealInput!) { loseDeal(input: $input) { id } }`,
      { dealId: id, reason: 'Timing' },
      { tenantId: 'ev-a' },
    );
    await svc.transport.publish([toSql('ev-a', contactId).message]);
    expect((await dealsOf(contactId)).map((d: { status: string }) => d.status).sort()).toEqual(['LOST', 'OPEN']);
  });

  test('an open deal created through the API counts too; other stages and the tenant setting are respected', async () => {
    const contactId = await knownContact(svc, 'ev-a');
    await ok(svc, CREATE_DEAL, { contactId, title: 'Manual', amount: 10 }, { tenantId: 'ev-a' });
    await svc.transport.publish([toSql('ev-a', contactId).message]);
    expect(await dealsOf(contactId)).toHaveLength(1);

    const mql = newId();
    await svc.transport.publish([toSql('ev-a', mql, null, 'MQL').message]);
    expect(await dealsOf(mql)).toHaveLength(0);

    const settings = `mutation($input: UpdatePipelineSettingsInput!) { updatePipelineSettings(input: $input) { autoCreateDealOnSql } }`;
    expect(await ok(svc, settings, { autoCreateDealOnSql: false }, { tenantId: 'ev-off', roles: ['admin'] })).toEqual({
      autoCreateDealOnSql: false,
    });
    const off = newId();
    await svc.transport.publish([toSql('ev-off', off).message]);
    expect(await dealsOf(off)).toHaveLength(0);
  });

  test('a tenant that never called pipeline is provisioned by the handler, once, with no actor as owner', async () => {
    const contactId = newId();
    await svc.transport.publish([toSql('ev-fresh', contactId, null).message]);
    expect(await dealsOf(contactId)).toEqual([
      expect.objectContaining({ tenant_id: 'ev-fresh', owner_id: null, stage: 'Prospecting', is_default: true }),
    ]);
    // Its first request finds the defaults already there and provisions nothing twice.
    const res = await svc.call<{ pipelines: unknown[] }>('{ pipelines { id } }', {}, { tenantId: 'ev-fresh' });
    expect(res.data!.pipelines).toHaveLength(1);
    const [{ n }] = await svc.service.db.query(`SELECT count(*)::int AS n FROM pipeline_stages WHERE tenant_id = 'ev-fresh'`);
    expect(n).toBe(6);
  });

  test('events of two tenants for the same contact id stay apart', async () => {
    const contactId = newId();
    await svc.transport.publish([toSql('ev-x', contactId).message, toSql('ev-y', contactId).message]);
    expect((await dealsOf(contactId)).map((d: { tenant_id: string }) => d.tenant_id).sort()).toEqual(['ev-x', 'ev-y']);
  });
});

describe('contact.merged', () => {
  test("re-points the duplicate's deals and activities to the primary, in the same tenant only; redelivery is harmless", async () => {
    const t = { tenantId: 'ev-merge' };
    const primaryId = await knownContact(svc, t);
    const duplicateId = await knownContact(svc, t);
    await knownContact(svc, 'ev-merge-other', duplicateId);
    const dealOfDuplicate = await ok(svc, CREATE_DEAL, { contactId: duplicateId, title: 'dup deal', amount: 5 }, t);
    await ok(svc, CREATE_DEAL, { contactId: primaryId, title: 'primary deal', amount: 7 }, t);
    const activity = await ok(
      svc,
      `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }`,
      { kind: 'CALL', subject: 'Call', contactId: duplicateId },
      t,
    );
    const otherTenant = await ok(
      svc,
      CREATE_DEAL,
      { contactId: duplicateId, title: 'elsewhere', amount: 1 },
      { tenantId: 'ev-merge-other' },
    );

    const { message } = leadsMessage('contact.merged', 'ev-merge', primaryId, { primaryId, duplicateId });
    await svc.transport.publish([message, message]);

    const contactOf = async (table: string, id: string) =>
      (await svc.service.db.query(`SELECT contact_id FROM ${table} WHERE id = $1`, [id]))[0].contact_id;
    expect(await contactOf('deals', dealOfDuplicate.id)).toBe(primaryId);
    expect(await contactOf('activities', activity.id)).toBe(primaryId);
    expect(await contactOf('deals', otherTenant.id)).toBe(duplicateId);
    const res = await svc.call(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id deals { title } activities { id } } } }`,
      {
        r: [
          { __typename: 'Contact', id: primaryId },
          { __typename: 'Contact', id: duplicateId },
        ],
      },
      t,
    );
    expect(res.data!._entities).toEqual([
      {
        id: primaryId,
        deals: expect.arrayContaining([{ title: 'dup deal' }, { title: 'primary deal' }]),
        activities: [{ id: activity.id }],
      },
      { id: duplicateId, deals: [], activities: [] },
    ]);
  });
});

describe('the contact replica (contact.created, contact.merged)', () => {
  test('a deal or activity needs a contact leads announced in the tenant; a merged-away one is NOT_FOUND; redelivery is harmless', async () => {
    const t = { tenantId: 'ev-replica' };
    const unknown = newId();
    const create = (contactId: string) => svc.call(CREATE_DEAL, { input: { contactId, title: 'd', amount: 1 } }, t);
    expect((await create(unknown)).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'contactId' });
    const { message } = leadsMessage('contact.created', 'ev-replica', unknown, { email: 'r@x.example', lifecycleStage: 'LEAD' });
    await svc.transport.publish([message, message]);
    expect((await create(unknown)).errors).toBeUndefined();
    // Another tenant's contact of the same id is not this tenant's.
    expect(
      (await svc.call(CREATE_DEAL, { input: { contactId: unknown, title: 'd', amount: 1 } }, { tenantId: 'ev-replica-2' })).errors?.[0]
        .extensions?.code,
    ).toBe('NOT_FOUND');

    const primaryId = await knownContact(svc, t);
    await svc.transport.publish([leadsMessage('contact.merged', 'ev-replica', primaryId, { primaryId, duplicateId: unknown }).message]);
    expect((await create(unknown)).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'contactId' });
    expect((await create(primaryId)).errors).toBeUndefined();
    const rows = await svc.service.db.query(
      `SELECT id, merged_into FROM contact_replicas WHERE tenant_id = 'ev-replica' ORDER BY merged_into NULLS FIRST`,
    );
    expect(rows).toEqual(
      [
        { id: primaryId, merged_into: null },
        { id: unknown, merged_into: primaryId },
      ].sort((a, b) => (a.merged_into ? 1 : b.merged_into ? -1 : a.id < b.id ? -1 : 1)),
    );
  });

  test('the SQL event alone (contact.created lost or not yet seen) still records the contact it proves', async () => {
    const contactId = newId();
    await svc.transport.publish([toSql('ev-replica-sql', contactId).message]);
    const rows = await svc.service.db.query(`SELECT id FROM contact_replicas WHERE tenant_id = 'ev-replica-sql'`);
    expect(rows).toEqual([{ id: contactId }]);
  });
});

test('an event the handler cannot use (aggregate id not a UUID) is skipped, not dead-lettered', async () => {
  const { message } = toSql('ev-a', 'not-a-uuid');
  await svc.transport.publish([message]);
  await eventually(async () => svc.service.consumer.processed > 0);
  const [{ n }] = await svc.service.db.query('SELECT count(*)::int AS n FROM crm_dead_letters');
  expect(n).toBe(0);
});
