import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { CREATE_DEAL, failure, knownContact, newId, ok, outbox } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('pipeline_activities', createService);
});
afterAll(() => svc.stop());

const FIELDS = 'id kind subject body dueAt ownerId completedAt completedBy timing contact { id } deal { id title }';
const CREATE = `mutation($input: CreateActivityInput!) { createActivity(input: $input) { ${FIELDS} } }`;
const COMPLETE = `mutation($input: CompleteActivityInput!) { completeActivity(input: $input) { ${FIELDS} } }`;
const LIST = `query($filter: ActivityFilter, $first: Int, $after: String) {
  activities(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id subject timing } } pageInfo { hasNextPage endCursor } }
}`;
const DUE = `query($input: DueActivitiesInput!) { dueActivities(input: $input) { ownerId total activities { subject dueAt } } }`;
const T = { tenantId: 'act', userId: 'rep-1', roles: ['sales' as const] };
const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

describe('createActivity and completeActivity', () => {
  test('a task on a contact: owner defaults to the caller; completion once, with activity.completed', async () => {
    const contactId = await knownContact(svc, T);
    const task = await ok(svc, CREATE, { kind: 'TASK', subject: '  Send proposal ', dueAt: inHours(3), contactId }, T);
    expect(task).toMatchObject({
      kind: 'TASK',
      subject: 'Send proposal',
      ownerId: 'rep-1',
      completedAt: null,
      timing: 'DUE_SOON',
      contact: { id: contactId },
      deal: null,
    });
    expect(await outbox(svc, task.id)).toEqual([]);
    const done = await ok(svc, COMPLETE, { activityId: task.id }, { ...T, userId: 'rep-2' });
    expect(done).toMatchObject({ timing: 'DONE', completedBy: 'rep-2' });
    expect(await outbox(svc, task.id)).toEqual([
      { event_type: 'activity.completed', actor: 'rep-2', data: { kind: 'TASK', contactId, dealId: null, ownerId: 'rep-1' } },
    ]);
    expect(await failure(svc, COMPLETE, { activityId: task.id }, T)).toMatchObject({ code: 'CONFLICT' });
    expect(await outbox(svc, task.id)).toHaveLength(1);
  });

  test("an activity on a deal belongs to the deal's contact; a logged call emits at once; a note is done and silent", async () => {
    const contactId = await knownContact(svc, T);
    const deal = await ok(svc, CREATE_DEAL, { contactId, title: 'Deal', amount: 1 }, T);
    const call = await ok(svc, CREATE, { kind: 'CALL', subject: 'Discovery call', dealId: deal.id, done: true, ownerId: 'rep-3' }, T);
    expect(call).toMatchObject({ contact: { id: contactId }, deal: { id: deal.id, title: 'Deal' }, timing: 'DONE', ownerId: 'rep-3' });
    expect((await outbox(svc, call.id)).map((e) => e.data)).toEqual([{ kind: 'CALL', contactId, dealId: deal.id, ownerId: 'rep-3' }]);
    const note = await ok(svc, CREATE, { kind: 'NOTE', subject: 'Prefers email', body: 'Long text', contactId }, T);
    expect(note).toMatchObject({ timing: 'DONE', body: 'Long text' });
    expect(await outbox(svc, note.id)).toEqual([]);
    const viaDeal = await svc.call(`query($id: ID!) { deal(id: $id) { activities { id } } }`, { id: deal.id }, T);
    expect(viaDeal.data!.deal.activities).toEqual([{ id: call.id }]);
  });

  test('errors: field-level BAD_USER_INPUT, unknown deal NOT_FOUND, another tenant NOT_FOUND, analyst FORBIDDEN', async () => {
    const contactId = await knownContact(svc, T);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'TASK', subject: ' ', contactId }, 'subject'],
      [{ kind: 'TASK', subject: 'x'.repeat(201), contactId }, 'subject'],
      [{ kind: 'TASK', subject: 'No link' }, 'contactId'],
      [{ kind: 'NOTE', subject: 'Note', contactId, dueAt: inHours(1) }, 'dueAt'],
      [{ kind: 'TASK', subject: 'Bad id', contactId: 'nope' }, 'contactId'],
      [{ kind: 'TASK', subject: 'Bad id', dealId: 'nope' }, 'dealId'],
      [{ kind: 'TASK', subject: 'Long', contactId, body: 'b'.repeat(10_001) }, 'body'],
    ];
    for (const [input, field] of cases) expect(await failure(svc, CREATE, input, T)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const bad = await svc.call(CREATE, { input: { kind: 'TASK', subject: 'x', contactId, dueAt: 'tomorrow' } }, T);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await failure(svc, CREATE, { kind: 'TASK', subject: 'x', dealId: newId() }, T)).toMatchObject({
      code: 'NOT_FOUND',
      field: 'dealId',
    });
    // A contact leads never announced (or another tenant's): nothing may point at it.
    expect(await failure(svc, CREATE, { kind: 'TASK', subject: 'x', contactId: newId() }, T)).toMatchObject({
      code: 'NOT_FOUND',
      field: 'contactId',
    });
    expect(
      await failure(svc, CREATE, { kind: 'TASK', subject: 'x', contactId: await knownContact(svc, 'act-elsewhere') }, T),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'contactId' });
    const deal = await ok(svc, CREATE_DEAL, { contactId, title: 'Deal', amount: 1 }, T);
    expect(
      await failure(svc, CREATE, { kind: 'TASK', subject: 'x', dealId: deal.id, contactId: await knownContact(svc, T) }, T),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contactId' });
    expect(await failure(svc, CREATE, { kind: 'TASK', subject: 'x', dealId: deal.id }, { tenantId: 'act-other' })).toMatchObject({
      code: 'NOT_FOUND',
    });
    const task = await ok(svc, CREATE, { kind: 'TASK', subject: 'Mine', contactId }, T);
    expect(await failure(svc, COMPLETE, { activityId: task.id }, { tenantId: 'act-other' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(svc, COMPLETE, { activityId: task.id }, { tenantId: T.tenantId, roles: ['analyst'] })).toMatchObject({
      code: 'FORBIDDEN',
    });
    const [{ n }] = await svc.service.db.query(`SELECT count(*)::int AS n FROM activities WHERE contact_id = $1`, [contactId]);
    expect(n).toBe(1);
  });
});

describe('activities queries and reminders', () => {
  const t = { tenantId: 'act-q', userId: 'rep-1', roles: ['sales' as const] };
  const made: Record<string, string> = {};
  beforeAll(async () => {
    const contactId = await knownContact(svc, t);
    const add = async (subject: string, dueHours: number | null, ownerId: string | null, done = false) => {
      const a = await ok(
        svc,
        CREATE,
        { kind: 'TASK', subject, contactId, dueAt: dueHours === null ? null : inHours(dueHours), ownerId, done },
        t,
      );
      made[subject] = a.id;
    };
    await add('overdue-ann', -5, 'ann');
    await add('overdue-bob', -1, 'bob');
    await add('soon-ann', 2, 'ann');
    await add('soon-ann-2', 20, 'ann');
    await add('later-ann', 72, 'ann');
    await add('soon-bob', 10, 'bob');
    await add('soon-nobody', 5, null);
    await add('undated-ann', null, 'ann');
    await add('done-ann', 1, 'ann', true);
  });
  const subjects = async (filter: Record<string, unknown>) => {
    const res = await svc.call(LIST, { filter, first: 100 }, t);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.activities.edges.map((e: any) => e.node.subject).sort();
  };

  test('status filters: OVERDUE, UPCOMING, DONE, OPEN; owner; due within hours', async () => {
    expect(await subjects({ status: 'OVERDUE' })).toEqual(['overdue-ann', 'overdue-bob']);
    expect(await subjects({ status: 'OVERDUE', ownerId: 'ann' })).toEqual(['overdue-ann']);
    expect(await subjects({ status: 'UPCOMING', ownerId: 'ann' })).toEqual(['later-ann', 'soon-ann', 'soon-ann-2']);
    expect(await subjects({ status: 'DONE' })).toEqual(['done-ann']);
    expect(await subjects({ status: 'OPEN', ownerId: 'ann' })).toEqual([
      'later-ann',
      'overdue-ann',
      'soon-ann',
      'soon-ann-2',
      'undated-ann',
    ]);
    expect(await subjects({ dueWithinHours: 24 })).toEqual(['soon-ann', 'soon-ann-2', 'soon-bob', 'soon-nobody']);
    expect(await subjects({ dueWithinHours: 24, ownerId: 'ann' })).toEqual(['soon-ann', 'soon-ann-2']);
    const bad = await svc.call(LIST, { filter: { status: 'DONE', dueWithinHours: 4 } }, t);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.dueWithinHours' });
    const negative = await svc.call(LIST, { filter: { dueWithinHours: -1 } }, t);
    expect(negative.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.dueWithinHours' });
  });

  test('timing of each activity', async () => {
    const res = await svc.call(LIST, { first: 100 }, t);
    const timing = Object.fromEntries(res.data!.activities.edges.map((e: any) => [e.node.subject, e.node.timing]));
    expect(timing).toEqual({
      'overdue-ann': 'OVERDUE',
      'overdue-bob': 'OVERDUE',
      'soon-ann': 'DUE_SOON',
      'soon-ann-2': 'DUE_SOON',
      'later-ann': 'UPCOMING',
      'soon-bob': 'DUE_SOON',
      'soon-nobody': 'DUE_SOON',
      'undated-ann': 'NO_DUE_DATE',
      'done-ann': 'DONE',
    });
  });

  test('cursor pagination walks every activity once, newest first', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await svc.call(LIST, { first: 4, after }, t);
      expect(res.data.activities.totalCount).toBe(9);
      seen.push(...res.data.activities.edges.map((e: any) => e.node.id));
      if (!res.data.activities.pageInfo.hasNextPage) break;
      after = res.data.activities.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect(seen[0]).toBe(made['done-ann']);
  });

  test('dueActivities: per owner, earliest first, only open and not yet due', async () => {
    const res = await svc.call(DUE, { input: { hours: 24 } }, t);
    expect(res.errors).toBeUndefined();
    expect(res.data!.dueActivities.map((g: any) => [g.ownerId, g.total, g.activities.map((a: any) => a.subject)])).toEqual([
      ['ann', 2, ['soon-ann', 'soon-ann-2']],
      ['bob', 1, ['soon-bob']],
      [null, 1, ['soon-nobody']],
    ]);
    const ann = await svc.call(DUE, { input: { hours: 100, ownerId: 'ann' } }, t);
    expect(ann.data!.dueActivities).toEqual([{ ownerId: 'ann', total: 3, activities: expect.any(Array) }]);
    expect(ann.data!.dueActivities[0].activities.map((a: any) => a.subject)).toEqual(['soon-ann', 'soon-ann-2', 'later-ann']);
    for (const hours of [0, 10_000]) {
      const bad = await svc.call(DUE, { input: { hours } }, t);
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'hours' });
    }
    const other = await svc.call(DUE, { input: { hours: 24 } }, { tenantId: 'act-nobody' });
    expect(other.data!.dueActivities).toEqual([]);
  });
});
