import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { CREATE_DEAL, defaultStages, failure, MOVE, knownContact, newId, ok, outbox, pipelinesOf, WIN } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('pipeline_admin', createService);
});
afterAll(() => svc.stop());

const ADMIN = { tenantId: 'admin-a', userId: 'boss', roles: ['admin' as const] };
const SALES = { tenantId: 'admin-a', userId: 'rep', roles: ['sales' as const] };
const CREATE = `mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id name isDefault stages { id name order probability forecastCategory isWon isLost } } }`;
const UPDATE = `mutation($input: UpdatePipelineInput!) { updatePipeline(input: $input) { id name isDefault } }`;
const STAGES = `mutation($input: UpdatePipelineStagesInput!) { updatePipelineStages(input: $input) { id stages { id name order probability forecastCategory isWon isLost } } }`;
const SETTINGS = `mutation($input: UpdatePipelineSettingsInput!) { updatePipelineSettings(input: $input) { autoCreateDealOnSql lostReasons } }`;

const closing = [
  { name: 'Won', probability: 100, forecastCategory: 'CLOSED', isWon: true },
  { name: 'Lost', probability: 0, forecastCategory: 'OMITTED', isLost: true },
];

describe('createPipeline', () => {
  test('admin creates a pipeline; order follows the list; sales and partner keys without the scope are FORBIDDEN', async () => {
    const input = {
      name: ' Partners ',
      stages: [
        { name: 'Intro', probability: 20, forecastCategory: 'PIPELINE' },
        { name: 'Deal', probability: 80, forecastCategory: 'COMMIT' },
        ...closing,
      ],
    };
    expect(await failure(svc, CREATE, input, SALES)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(svc, CREATE, input, { tenantId: 'admin-a', roles: [], scopes: ['deals:write'] })).toMatchObject({
      code: 'FORBIDDEN',
    });
    const created = await ok(svc, CREATE, input, ADMIN);
    expect(created).toMatchObject({
      name: 'Partners',
      isDefault: false,
      stages: [
        { name: 'Intro', order: 1, probability: 20, forecastCategory: 'PIPELINE', isWon: false, isLost: false },
        { name: 'Deal', order: 2, probability: 80, forecastCategory: 'COMMIT' },
        { name: 'Won', order: 3, isWon: true },
        { name: 'Lost', order: 4, isLost: true },
      ],
    });
    expect((await pipelinesOf(svc, 'admin-a')).map((p) => [p.name, p.isDefault])).toEqual([
      ['Sales', true],
      ['Partners', false],
    ]);
    expect(await failure(svc, CREATE, { ...input, name: 'partners' }, ADMIN)).toMatchObject({ code: 'CONFLICT' });
  });

  test('invalid stage sets are BAD_USER_INPUT naming the stage field; nothing is written', async () => {
    const cases: Array<[unknown[], string]> = [
      [[{ name: 'Only', probability: 10, forecastCategory: 'PIPELINE' }], 'stages'],
      [[{ name: ' ', probability: 10, forecastCategory: 'PIPELINE' }, ...closing], 'stages[0].name'],
      [[{ name: 'A', probability: 120, forecastCategory: 'PIPELINE' }, ...closing], 'stages[0].probability'],
      [
        [{ name: 'A', probability: 10, forecastCategory: 'PIPELINE' }, { ...closing[0], probability: 90 }, closing[1]],
        'stages[1].probability',
      ],
      [
        [
          { name: 'A', probability: 10, forecastCategory: 'PIPELINE' },
          { name: 'a', probability: 10, forecastCategory: 'PIPELINE' },
          ...closing,
        ],
        'stages[1].name',
      ],
      [[{ id: newId(), name: 'A', probability: 10, forecastCategory: 'PIPELINE' }, ...closing], 'stages'],
    ];
    for (const [stages, field] of cases) {
      expect(await failure(svc, CREATE, { name: `Bad ${field}`, stages }, ADMIN)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await failure(svc, CREATE, { name: '  ', stages: closing }, ADMIN)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    const [row] = await svc.service.db.query(`SELECT count(*)::int AS n FROM pipelines WHERE tenant_id = 'admin-a' AND name LIKE 'Bad%'`);
    expect(row.n).toBe(0);
  });
});

describe('updatePipeline', () => {
  test('rename and switch the default; there is always exactly one default', async () => {
    const t = { ...ADMIN, tenantId: 'admin-default' };
    const [sales] = await pipelinesOf(svc, t.tenantId);
    const other = await ok(
      svc,
      CREATE,
      { name: 'Second', stages: [{ name: 'Open', probability: 30, forecastCategory: 'PIPELINE' }, ...closing] },
      t,
    );
    expect(await failure(svc, UPDATE, { pipelineId: sales.id, isDefault: false }, t)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'isDefault',
    });
    expect(await ok(svc, UPDATE, { pipelineId: other.id, isDefault: true, name: 'Main' }, t)).toMatchObject({
      name: 'Main',
      isDefault: true,
    });
    expect((await pipelinesOf(svc, t.tenantId)).map((p) => [p.name, p.isDefault])).toEqual([
      ['Main', true],
      ['Sales', false],
    ]);
    // New deals now start in the new default pipeline.
    const deal = await ok(
      svc,
      CREATE_DEAL,
      { contactId: await knownContact(svc, { ...t, roles: ['sales'] }), title: 'x', amount: 1 },
      { ...t, roles: ['sales'] },
    );
    expect(deal.pipeline.name).toBe('Main');
    expect(await failure(svc, UPDATE, { pipelineId: newId(), name: 'x' }, t)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(svc, UPDATE, { pipelineId: sales.id, name: 'main' }, t)).toMatchObject({ code: 'CONFLICT' });
  });
});

describe('updatePipelineStages', () => {
  test('rename, re-weight, reorder, add and remove an empty stage; deals keep their probability', async () => {
    const t = { ...ADMIN, tenantId: 'admin-stages' };
    const [p] = await pipelinesOf(svc, t.tenantId);
    const s = Object.fromEntries(p.stages.map((x) => [x.name, x]));
    const deal = await ok(svc, CREATE_DEAL, { contactId: await knownContact(svc, t), title: 'x', amount: 100, stageId: s.Proposal.id }, t);
    const keep = (name: string, patch: Record<string, unknown> = {}) => {
      const { id, probability, forecastCategory, isWon, isLost } = s[name];
      return { id, name, probability, forecastCategory, isWon, isLost, ...patch };
    };
    const updated = await ok(
      svc,
      STAGES,
      {
        pipelineId: p.id,
        stages: [
          keep('Qualification', { name: 'Discovery' }),
          keep('Proposal', { probability: 40 }),
          { name: 'Security review', probability: 60, forecastCategory: 'BEST_CASE' },
          keep('Negotiation'),
          keep('Closed Won'),
          keep('Closed Lost'),
        ],
      },
      t,
    );
    expect(updated.stages.map((x: any) => [x.name, x.order, x.probability])).toEqual([
      ['Discovery', 1, 25],
      ['Proposal', 2, 40],
      ['Security review', 3, 60],
      ['Negotiation', 4, 75],
      ['Closed Won', 5, 100],
      ['Closed Lost', 6, 0],
    ]);
    expect(updated.stages[0].id).toBe(s.Qualification.id);
    const [row] = await svc.service.db.query('SELECT probability FROM deals WHERE id = $1', [deal.id]);
    expect(row.probability).toBe(50);
    // The removed stage is archived, not deleted: it is gone from the board but history still names it.
    const [archived] = await svc.service.db.query('SELECT name, archived_at FROM pipeline_stages WHERE id = $1', [s.Prospecting.id]);
    expect(archived.archived_at).not.toBeNull();
    expect(await failure(svc, MOVE, { dealId: deal.id, stageId: s.Prospecting.id }, t)).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('a stage in use cannot be removed, unless its deals are moved: each move in history and the outbox', async () => {
    const t = { ...ADMIN, tenantId: 'admin-move' };
    const [p] = await pipelinesOf(svc, t.tenantId);
    const s = Object.fromEntries(p.stages.map((x) => [x.name, x]));
    const deals = [];
    for (let i = 0; i < 3; i++)
      deals.push(
        await ok(svc, CREATE_DEAL, { contactId: await knownContact(svc, t), title: `d${i}`, amount: 100, stageId: s.Qualification.id }, t),
      );
    const without = p.stages
      .filter((x) => x.name !== 'Qualification')
      .map(({ id, name, probability, forecastCategory, isWon, isLost }) => ({ id, name, probability, forecastCategory, isWon, isLost }));
    const refused = await failure(svc, STAGES, { pipelineId: p.id, stages: without }, t);
    expect(refused).toMatchObject({ code: 'CONFLICT' });
    expect(refused.message).toContain('Qualification');
    expect(
      await failure(
        svc,
        STAGES,
        { pipelineId: p.id, stages: without, moveDeals: [{ fromStageId: s.Qualification.id, toStageId: s['Closed Won'].id }] },
        t,
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'moveDeals[0].toStageId' });
    await ok(
      svc,
      STAGES,
      { pipelineId: p.id, stages: without, moveDeals: [{ fromStageId: s.Qualification.id, toStageId: s.Proposal.id }] },
      { ...t, userId: 'ops' },
    );
    for (const d of deals) {
      const [row] = await svc.service.db.query('SELECT stage_id, probability FROM deals WHERE id = $1', [d.id]);
      expect(row).toEqual({ stage_id: s.Proposal.id, probability: 50 });
      const events = await outbox(svc, d.id);
      expect(events.at(-1)).toMatchObject({
        event_type: 'deal.stage_changed',
        actor: 'ops',
        data: { fromStageId: s.Qualification.id, toStageId: s.Proposal.id, probability: 50 },
      });
      const history = await svc.call(
        `query($id: ID!) { deal(id: $id) { history { from { name archived } to { name } actor } } }`,
        { id: d.id },
        t,
      );
      expect(history.data!.deal.history.at(-1)).toEqual({
        from: { name: 'Qualification', archived: true },
        to: { name: 'Proposal' },
        actor: 'ops',
      });
    }
  });

  test('won/lost stages stay; unknown ids are BAD_USER_INPUT; another tenant gets NOT_FOUND', async () => {
    const t = { ...ADMIN, tenantId: 'admin-rules' };
    const [p] = await pipelinesOf(svc, t.tenantId);
    const deal = await ok(svc, CREATE_DEAL, { contactId: await knownContact(svc, t), title: 'x', amount: 1 }, t);
    await ok(svc, WIN, { dealId: deal.id }, t);
    const stages = p.stages.map(({ id, name, probability, forecastCategory, isWon, isLost }) => ({
      id,
      name,
      probability,
      forecastCategory,
      isWon,
      isLost,
    }));
    const noWon = stages.filter((x) => !x.isWon).concat([{ ...closing[0], id: undefined as never }]);
    expect(await failure(svc, STAGES, { pipelineId: p.id, stages: noWon }, t)).toMatchObject({ code: 'CONFLICT' });
    const flipped = stages.map((x) =>
      x.name === 'Negotiation' ? { ...x, isWon: true, probability: 100 } : x.isWon ? { ...x, isWon: false, probability: 90 } : x,
    );
    expect(await failure(svc, STAGES, { pipelineId: p.id, stages: flipped }, t)).toMatchObject({ code: 'CONFLICT' });
    expect(await failure(svc, STAGES, { pipelineId: p.id, stages: [{ ...stages[0], id: newId() }, ...stages.slice(1)] }, t)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'stages[0].id',
    });
    expect(await failure(svc, STAGES, { pipelineId: p.id, stages }, { ...t, tenantId: 'admin-other' })).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await failure(svc, STAGES, { pipelineId: p.id, stages }, { ...t, roles: ['sales'] })).toMatchObject({ code: 'FORBIDDEN' });
    // The same set again is a no-op that succeeds.
    expect((await ok(svc, STAGES, { pipelineId: p.id, stages }, t)).stages.map((x: any) => x.id)).toEqual(stages.map((x) => x.id));
  });
});

test('removing a stage while deals move into it: never a deal left in an archived stage', async () => {
  const t = { ...ADMIN, tenantId: 'admin-race' };
  const [p] = await pipelinesOf(svc, t.tenantId);
  const s = Object.fromEntries(p.stages.map((x) => [x.name, x]));
  const deals = [];
  for (let i = 0; i < 20; i++)
    deals.push(await ok(svc, CREATE_DEAL, { contactId: await knownContact(svc, t), title: `r${i}`, amount: 1 }, t));
  const without = p.stages
    .filter((x) => x.name !== 'Qualification')
    .map(({ id, name, probability, forecastCategory, isWon, isLost }) => ({ id, name, probability, forecastCategory, isWon, isLost }));
  const moves = deals.map((d) => svc.call(MOVE, { input: { dealId: d.id, stageId: s.Qualification.id } }, t));
  const removal = svc.call(STAGES, { input: { pipelineId: p.id, stages: without } }, t);
  const [removed, ...moved] = await Promise.all([removal, ...moves]);
  for (const r of [removed, ...moved].filter((x) => x.errors)) expect(['CONFLICT', 'NOT_FOUND']).toContain(r.errors![0].extensions?.code);
  const [{ n }] = await svc.service.db.query(
    `SELECT count(*)::int AS n FROM deals d JOIN pipeline_stages s ON s.id = d.stage_id WHERE d.tenant_id = 'admin-race' AND s.archived_at IS NOT NULL`,
  );
  expect(n).toBe(0);
  if (!removed.errors) expect(moved.filter((r) => !r.errors)).toHaveLength(0);
});

describe('pipelineSettings', () => {
  test('defaults, then an admin replaces the lost reasons and loseDeal uses the new spelling', async () => {
    const t = { ...ADMIN, tenantId: 'admin-settings' };
    const read = await svc.call('{ pipelineSettings { autoCreateDealOnSql lostReasons } }', {}, { ...t, roles: ['analyst'] });
    expect(read.data!.pipelineSettings).toEqual({
      autoCreateDealOnSql: true,
      lostReasons: ['Price', 'Competitor', 'No budget', 'No decision', 'Timing', 'Product fit'],
    });
    expect(await failure(svc, SETTINGS, { lostReasons: ['A', 'a'] }, t)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lostReasons[1]' });
    expect(await failure(svc, SETTINGS, { autoCreateDealOnSql: false }, { ...t, roles: ['sales'] })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await ok(svc, SETTINGS, { lostReasons: ['Too expensive ', 'Ghosted'] }, t)).toEqual({
      autoCreateDealOnSql: true,
      lostReasons: ['Too expensive', 'Ghosted'],
    });
    expect(await ok(svc, SETTINGS, { autoCreateDealOnSql: false }, t)).toEqual({
      autoCreateDealOnSql: false,
      lostReasons: ['Too expensive', 'Ghosted'],
    });
    const deal = await ok(svc, CREATE_DEAL, { contactId: await knownContact(svc, t), title: 'x', amount: 1 }, t);
    const lost = await ok(
      svc,
      `mutation($input: LoseDealInput!) { loseDeal(input: $input) { lostReason } }`,
      { dealId: deal.id, reason: 'GHOSTED' },
      t,
    );
    expect(lost.lostReason).toBe('Ghosted');
  });

  test('defaults exist for a tenant provisioned on its first request', async () => {
    const stages = await defaultStages(svc, 'admin-fresh');
    expect(Object.keys(stages)).toHaveLength(6);
    const [row] = await svc.service.db.query(
      `SELECT auto_create_deal_on_sql, lost_reasons FROM pipeline_settings WHERE tenant_id = 'admin-fresh'`,
    );
    expect(row).toEqual({
      auto_create_deal_on_sql: true,
      lost_reasons: ['Price', 'Competitor', 'No budget', 'No decision', 'Timing', 'Product fit'],
    });
  });
});
