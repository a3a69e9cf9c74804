import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { CREATE_DEAL, defaultStages, failure, LOSE, MOVE, knownContact, newId, ok, outbox, REOPEN, UPDATE, WIN } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('pipeline_deals', createService);
});
afterAll(() => svc.stop());

const T = { tenantId: 'deals-a', userId: 'rep-1', roles: ['sales' as const] };

async function create(input: Record<string, unknown> = {}) {
  return ok(svc, CREATE_DEAL, { contactId: await knownContact(svc, T), title: 'Acme rollout', amount: 120000, ...input }, T);
}

describe('createDeal', () => {
  test('defaults: default pipeline, first stage, its probability, USD, NEW_BUSINESS, owner = caller; history and events', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    const contactId = await knownContact(svc, T);
    const companyId = newId();
    const deal = await create({ contactId, companyId, expectedCloseDate: '2025-09-30' });
    expect(deal).toMatchObject({
      title: 'Acme rollout',
      amount: 120000,
      currency: 'USD',
      probability: 10,
      weightedAmount: 12000,
      status: 'OPEN',
      kind: 'NEW_BUSINESS',
      ownerId: 'rep-1',
      expectedCloseDate: '2025-09-30',
      closedAt: null,
      lostReason: null,
      stage: { id: stages.Prospecting.id, name: 'Prospecting', probability: 10 },
      pipeline: { name: 'Sales' },
      contact: { id: contactId },
      company: { id: companyId },
      history: [
        {
          from: null,
          to: { id: stages.Prospecting.id, name: 'Prospecting' },
          amount: 120000,
          currency: 'USD',
          probability: 10,
          actor: 'rep-1',
        },
      ],
    });
    const events = await outbox(svc, deal.id);
    expect(events.map((e) => e.event_type)).toEqual(['deal.created', 'deal.stage_changed']);
    expect(events[0].data).toEqual({
      contactId,
      pipelineId: deal.pipeline.id,
      stageId: stages.Prospecting.id,
      kind: 'NEW_BUSINESS',
      ownerId: 'rep-1',
      expectedCloseDate: '2025-09-30',
      amount: 120000,
      currency: 'USD',
      probability: 10,
      stageName: 'Prospecting',
    });
    expect(events[1].data).toEqual({
      contactId,
      fromStageId: null,
      toStageId: stages.Prospecting.id,
      probability: 10,
      amount: 120000,
      currency: 'USD',
      pipelineId: deal.pipeline.id,
      ownerId: 'rep-1',
      kind: 'NEW_BUSINESS',
      stageName: 'Prospecting',
    });
    expect(events[0].actor).toBe('rep-1');
  });

  test('explicit stage, probability, currency (normalised), kind and owner', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    const deal = await create({
      stageId: stages.Proposal.id,
      probability: 60,
      currency: 'eur',
      kind: 'UPSELL',
      ownerId: 'rep-9',
      amount: 999,
    });
    expect(deal).toMatchObject({
      stage: { name: 'Proposal' },
      probability: 60,
      weightedAmount: 599,
      currency: 'EUR',
      kind: 'UPSELL',
      ownerId: 'rep-9',
    });
  });

  test.each([
    [{ amount: -1 }, 'amount'],
    [{ title: '   ' }, 'title'],
    [{ currency: 'DOLLARS' }, 'currency'],
    [{ currency: 'ZZZ' }, 'currency'],
    [{ probability: 101 }, 'probability'],
    [{ expectedCloseDate: '2025-02-30' }, 'expectedCloseDate'],
    [{ contactId: 'not-a-uuid' }, 'contactId'],
    [{ companyId: 'nope' }, 'companyId'],
    [{ pipelineId: 'nope' }, 'pipelineId'],
  ])('%p is BAD_USER_INPUT on %s, and nothing is written', async (patch, field) => {
    const contactId = await knownContact(svc, T);
    const err = await failure(svc, CREATE_DEAL, { contactId, title: 'x', amount: 1, ...patch }, T);
    expect(err).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const rows = await svc.service.db.query('SELECT count(*)::int AS n FROM deals WHERE contact_id::text = $1', [contactId]);
    expect(rows[0].n).toBe(0);
  });

  test('absurd amounts: beyond SafeInt is refused before any resolver runs, never a 500; past Int is fine', async () => {
    const res = await svc.call(CREATE_DEAL, { input: { contactId: await knownContact(svc, T), title: 'x', amount: 2 ** 53 } }, T);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const big = await svc.call(
      CREATE_DEAL,
      { input: { contactId: await knownContact(svc, T), title: 'x', amount: Number.MAX_SAFE_INTEGER } },
      T,
    );
    expect(big.errors).toBeUndefined();
    expect(big.data?.createDeal).toMatchObject({ amount: Number.MAX_SAFE_INTEGER });
    const fractional = await svc.call(CREATE_DEAL, { input: { contactId: await knownContact(svc, T), title: 'x', amount: 10.5 } }, T);
    expect(fractional.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('unknown pipeline or stage is NOT_FOUND; a stage of another pipeline or a closed stage is BAD_USER_INPUT', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    expect(
      await failure(svc, CREATE_DEAL, { contactId: await knownContact(svc, T), title: 'x', amount: 1, pipelineId: newId() }, T),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await failure(svc, CREATE_DEAL, { contactId: await knownContact(svc, T), title: 'x', amount: 1, stageId: newId() }, T),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await failure(
        svc,
        CREATE_DEAL,
        { contactId: await knownContact(svc, T), title: 'x', amount: 1, stageId: stages['Closed Won'].id },
        T,
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
    const other = await ok(
      svc,
      `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id } }`,
      {
        name: 'Renewals',
        stages: [
          { name: 'Due', probability: 50, forecastCategory: 'BEST_CASE' },
          { name: 'Renewed', probability: 100, forecastCategory: 'CLOSED', isWon: true },
          { name: 'Churned', probability: 0, forecastCategory: 'OMITTED', isLost: true },
        ],
      },
      { tenantId: T.tenantId },
    );
    expect(
      await failure(
        svc,
        CREATE_DEAL,
        { contactId: await knownContact(svc, T), title: 'x', amount: 1, pipelineId: other.id, stageId: stages.Proposal.id },
        T,
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
  });
});

describe('moveDealStage, winDeal, loseDeal, reopenDeal', () => {
  test('a deal through its life: every stage change in history and in the outbox, in order', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    const deal = await create({ amount: 5000 });
    const moved = await ok(svc, MOVE, { dealId: deal.id, stageId: stages.Negotiation.id }, { ...T, userId: 'rep-2' });
    expect(moved).toMatchObject({ stage: { name: 'Negotiation' }, probability: 75, weightedAmount: 3750 });
    const won = await ok(svc, WIN, { dealId: deal.id }, T);
    expect(won).toMatchObject({ status: 'WON', probability: 100, stage: { name: 'Closed Won' }, lostReason: null });
    expect(Date.parse(won.closedAt)).toBeGreaterThan(Date.now() - 60_000);
    const reopened = await ok(svc, REOPEN, { dealId: deal.id }, T);
    expect(reopened).toMatchObject({ status: 'OPEN', closedAt: null, stage: { name: 'Negotiation' }, probability: 75 });
    const lost = await ok(svc, LOSE, { dealId: deal.id, reason: '  price ' }, T);
    expect(lost).toMatchObject({ status: 'LOST', lostReason: 'Price', probability: 0, stage: { name: 'Closed Lost' } });
    expect(lost.history.map((h: any) => [h.from?.name ?? null, h.to.name, h.probability, h.actor])).toEqual([
      [null, 'Prospecting', 10, 'rep-1'],
      ['Prospecting', 'Negotiation', 75, 'rep-2'],
      ['Negotiation', 'Closed Won', 100, 'rep-1'],
      ['Closed Won', 'Negotiation', 75, 'rep-1'],
      ['Negotiation', 'Closed Lost', 0, 'rep-1'],
    ]);
    const events = await outbox(svc, deal.id);
    expect(events.map((e) => e.event_type)).toEqual([
      'deal.created',
      'deal.stage_changed',
      'deal.stage_changed',
      'deal.stage_changed',
      'deal.won',
      'deal.stage_changed',
      'deal.reopened',
      'deal.stage_changed',
      'deal.lost',
    ]);
    expect(events[4].data).toEqual({
      contactId: deal.contact.id,
      kind: 'NEW_BUSINESS',
      closedAt: won.closedAt,
      amount: 5000,
      currency: 'USD',
      createdAt: expect.any(String),
      pipelineId: deal.pipeline.id,
      ownerId: 'rep-1',
      stageName: 'Closed Won',
    });
    expect(events[6].data).toMatchObject({ contactId: deal.contact.id, previousStatus: 'WON', amount: 5000, currency: 'USD' });
    expect(events[8].data).toMatchObject({
      contactId: deal.contact.id,
      reason: 'Price',
      amount: 5000,
      currency: 'USD',
      stageName: 'Closed Lost',
    });
    expect(events[3].data).toMatchObject({ fromStageId: stages.Negotiation.id, toStageId: stages['Closed Won'].id, probability: 100 });
  });

  test('a closed deal is immutable: move, win, lose and update are CONFLICT and write nothing', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    const deal = await create();
    await ok(svc, LOSE, { dealId: deal.id, reason: 'Went with a competitor' }, T);
    const before = await outbox(svc, deal.id);
    expect(await failure(svc, MOVE, { dealId: deal.id, stageId: stages.Proposal.id }, T)).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(svc, WIN, { dealId: deal.id }, T)).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(svc, LOSE, { dealId: deal.id, reason: 'again' }, T)).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(svc, UPDATE, { dealId: deal.id, amount: 1 }, T)).toMatchObject({ code: 'CONFLICT' });
    expect(await outbox(svc, deal.id)).toEqual(before);
    const [row] = await svc.service.db.query('SELECT status, lost_reason, amount FROM deals WHERE id = $1', [deal.id]);
    expect(row).toEqual({ status: 'LOST', lost_reason: 'Went with a competitor', amount: '120000' });
    expect(await failure(svc, REOPEN, { dealId: (await create()).id }, T)).toMatchObject({ code: 'CONFLICT' });
  });

  test('move errors: same stage CONFLICT; won/lost stage and other pipeline BAD_USER_INPUT; unknown stage NOT_FOUND', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    const deal = await create();
    expect(await failure(svc, MOVE, { dealId: deal.id, stageId: stages.Prospecting.id }, T)).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(svc, MOVE, { dealId: deal.id, stageId: stages['Closed Won'].id }, T)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'stageId',
    });
    expect(await failure(svc, MOVE, { dealId: deal.id, stageId: newId() }, T)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(svc, MOVE, { dealId: deal.id, stageId: 'x' }, T)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId' });
    expect(await failure(svc, MOVE, { dealId: newId(), stageId: stages.Proposal.id }, T)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(svc, MOVE, { dealId: deal.id, stageId: stages.Proposal.id, probability: -5 }, T)).toMatchObject({
      field: 'probability',
    });
    expect(await outbox(svc, deal.id)).toHaveLength(2);
  });

  test('loseDeal needs a reason; free text is kept as typed', async () => {
    const deal = await create();
    for (const reason of ['', '   ']) {
      expect(await failure(svc, LOSE, { dealId: deal.id, reason }, T)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    }
    expect(await failure(svc, LOSE, { dealId: deal.id, reason: 'x'.repeat(501) }, T)).toMatchObject({ field: 'reason' });
    expect((await ok(svc, LOSE, { dealId: deal.id, reason: ' Champion left the company ' }, T)).lostReason).toBe(
      'Champion left the company',
    );
  });

  test('reopen into a named stage; not into a closed one', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    const deal = await create();
    await ok(svc, WIN, { dealId: deal.id }, T);
    expect(await failure(svc, REOPEN, { dealId: deal.id, stageId: stages['Closed Lost'].id }, T)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'stageId',
    });
    expect(await ok(svc, REOPEN, { dealId: deal.id, stageId: stages.Proposal.id }, T)).toMatchObject({
      stage: { name: 'Proposal' },
      probability: 50,
    });
  });

  test('50 concurrent moves of one deal leave one unbroken history chain', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    const deal = await create();
    const targets = ['Qualification', 'Proposal', 'Negotiation', 'Prospecting'];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => svc.call(MOVE, { input: { dealId: deal.id, stageId: stages[targets[i % 4]].id } }, T)),
    );
    for (const r of results.filter((x) => x.errors)) expect(r.errors![0].extensions?.code).toBe('CONFLICT');
    const history = await svc.service.db.query(
      'SELECT from_stage_id, to_stage_id FROM deal_stage_changes WHERE deal_id = $1 ORDER BY seq',
      [deal.id],
    );
    expect(history).toHaveLength(1 + results.filter((r) => !r.errors).length);
    for (let i = 1; i < history.length; i++) expect(history[i].from_stage_id).toBe(history[i - 1].to_stage_id);
    const [row] = await svc.service.db.query('SELECT stage_id FROM deals WHERE id = $1', [deal.id]);
    expect(row.stage_id).toBe(history.at(-1).to_stage_id);
    expect((await outbox(svc, deal.id)).filter((e) => e.event_type === 'deal.stage_changed')).toHaveLength(history.length);
  });
});

describe('updateDeal', () => {
  test('changes only what is given; null clears; probability null goes back to the stage default', async () => {
    const deal = await create({ expectedCloseDate: '2025-01-31', probability: 40, companyId: newId() });
    const updated = await ok(
      svc,
      UPDATE,
      { dealId: deal.id, title: ' Bigger rollout ', amount: 250000, expectedCloseDate: null, companyId: null },
      T,
    );
    expect(updated).toMatchObject({
      title: 'Bigger rollout',
      amount: 250000,
      expectedCloseDate: null,
      company: null,
      probability: 40,
      currency: 'USD',
    });
    expect(await ok(svc, UPDATE, { dealId: deal.id, probability: null, ownerId: null }, T)).toMatchObject({
      probability: 10,
      ownerId: null,
    });
    expect(await failure(svc, UPDATE, { dealId: deal.id, title: null }, T)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
    expect(await failure(svc, UPDATE, { dealId: deal.id, amount: -3 }, T)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
  });

  test('deal.updated carries the changed fields and the deal facts; a no-op update emits nothing', async () => {
    const deal = await create({ amount: 1000 });
    await ok(svc, UPDATE, { dealId: deal.id, amount: 2 ** 40, ownerId: 'rep-3' }, T);
    await ok(svc, UPDATE, { dealId: deal.id, amount: 2 ** 40 }, T);
    const updates = (await outbox(svc, deal.id)).filter((e) => e.event_type === 'deal.updated');
    expect(updates.map((e) => e.data)).toEqual([
      {
        contactId: deal.contact.id,
        changedFields: ['amount', 'ownerId'],
        amount: 2 ** 40,
        currency: 'USD',
        expectedCloseDate: null,
        probability: 10,
        pipelineId: deal.pipeline.id,
        ownerId: 'rep-3',
        kind: 'NEW_BUSINESS',
        stageName: 'Prospecting',
      },
    ]);
  });
});

describe('authorization and tenancy', () => {
  test('analysts, support and marketing read but cannot write; admins do anything', async () => {
    const deal = await create();
    const analyst = { tenantId: T.tenantId, roles: ['analyst' as const] };
    expect((await svc.call(`query($id: ID!) { deal(id: $id) { id } }`, { id: deal.id }, analyst)).data).toEqual({ deal: { id: deal.id } });
    expect(await failure(svc, CREATE_DEAL, { contactId: await knownContact(svc, analyst), title: 'x', amount: 1 }, analyst)).toMatchObject({
      code: 'FORBIDDEN',
    });
    for (const role of ['support', 'marketing'] as const) {
      const res = await svc.call(`query($id: ID!) { deal(id: $id) { id } }`, { id: deal.id }, { tenantId: T.tenantId, roles: [role] });
      expect(res.data).toEqual({ deal: { id: deal.id } });
      const denied = await failure(svc, WIN, { dealId: deal.id }, { tenantId: T.tenantId, roles: [role] });
      expect(denied).toMatchObject({ code: 'FORBIDDEN' });
    }
    const key = { tenantId: T.tenantId, roles: [], scopes: ['deals:read'] };
    expect(await failure(svc, WIN, { dealId: deal.id }, key)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await ok(svc, WIN, { dealId: deal.id }, { tenantId: T.tenantId, roles: ['admin'] })).toMatchObject({ status: 'WON' });
  });

  test('another tenant: NOT_FOUND for every write, null for reads, nothing changes', async () => {
    const stages = await defaultStages(svc, T.tenantId);
    const deal = await create();
    const B = { tenantId: 'deals-b', roles: ['sales' as const] };
    expect(await failure(svc, MOVE, { dealId: deal.id, stageId: stages.Proposal.id }, B)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(svc, WIN, { dealId: deal.id }, B)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(svc, LOSE, { dealId: deal.id, reason: 'x' }, B)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(svc, UPDATE, { dealId: deal.id, amount: 5 }, B)).toMatchObject({ code: 'NOT_FOUND' });
    // Tenant B's own deal cannot be put into tenant A's stage either.
    const own = await ok(svc, CREATE_DEAL, { contactId: await knownContact(svc, B), title: 'b', amount: 1 }, B);
    expect(await failure(svc, MOVE, { dealId: own.id, stageId: stages.Proposal.id }, B)).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await failure(svc, CREATE_DEAL, { contactId: await knownContact(svc, B), title: 'b', amount: 1, stageId: stages.Proposal.id }, B),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect((await svc.call(`query($id: ID!) { deal(id: $id) { id } }`, { id: deal.id }, B)).data).toEqual({ deal: null });
    const viaEntities = await svc.call(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Deal { id } } }`,
      {
        r: [{ __typename: 'Deal', id: deal.id }],
      },
      B,
    );
    expect(viaEntities.data).toEqual({ _entities: [null] });
    expect((await outbox(svc, deal.id)).map((e) => e.event_type)).toEqual(['deal.created', 'deal.stage_changed']);
  });
});

test('Deal.history is bounded: the latest 100 changes, oldest first', async () => {
  const stages = await defaultStages(svc, T.tenantId);
  const deal = await create();
  for (let i = 0; i < 104; i++)
    await ok(svc, MOVE, { dealId: deal.id, stageId: i % 2 ? stages.Prospecting.id : stages.Qualification.id }, T);
  const res = await svc.call(`query($id: ID!) { deal(id: $id) { history { from { name } to { name } } } }`, { id: deal.id }, T);
  const history = res.data!.deal.history;
  expect(history).toHaveLength(100);
  expect(history[0]).toEqual({ from: { name: 'Prospecting' }, to: { name: 'Qualification' } }); // the 5th move: creation fell out
  expect(history[99]).toEqual({ from: { name: 'Qualification' }, to: { name: 'Prospecting' } }); // the 104th move
  const [{ n }] = await svc.service.db.query('SELECT count(*)::int AS n FROM deal_stage_changes WHERE deal_id = $1', [deal.id]);
  expect(n).toBe(105); // nothing is dropped, only the answer is bounded
});
