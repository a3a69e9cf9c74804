import { eventMessage, startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { failure, knownContact, newId, ok, OPEN, outbox, SUPPORT, SURVEY } from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('tickets_surveys', createService);
});
afterAll(() => svc.stop());

describe('recordSurveyResponse', () => {
  test('NPS tied to a ticket of the same contact; survey.responded carries every field', async () => {
    const T = 'survey-a';
    const contactId = await knownContact(svc, T);
    const ticket = await ok(svc, OPEN, { contactId, subject: 'x' }, SUPPORT(T));
    const r = await ok(svc, SURVEY, { contactId, ticketId: ticket.id, kind: 'NPS', score: 10, comment: ' Great ' }, SUPPORT(T));
    expect(r).toMatchObject({ kind: 'NPS', score: 10, comment: 'Great', contact: { id: contactId }, ticket: { id: ticket.id } });
    expect(await outbox(svc, r.id)).toEqual([
      {
        event_type: 'survey.responded',
        actor: 'agent-1',
        occurred_at: r.respondedAt,
        data: { contactId, kind: 'NPS', score: 10, ticketId: ticket.id, respondedAt: r.respondedAt },
      },
    ]);
    const csat = await ok(svc, SURVEY, { contactId, kind: 'CSAT', score: 4 }, SUPPORT(T));
    expect(csat.ticket).toBeNull();
    expect((await outbox(svc, csat.id))[0].data).toEqual({
      contactId,
      kind: 'CSAT',
      score: 4,
      ticketId: null,
      respondedAt: csat.respondedAt,
    });
  });

  test('out-of-range scores are BAD_USER_INPUT on score; a ticket of another contact or tenant on ticketId; unknown contact NOT_FOUND', async () => {
    const T = 'survey-b';
    const contactId = await knownContact(svc, T);
    const other = await knownContact(svc, T);
    const othersTicket = await ok(svc, OPEN, { contactId: other, subject: 'x' }, SUPPORT(T));
    const foreign = await ok(svc, OPEN, { contactId: await knownContact(svc, 'survey-x'), subject: 'x' }, SUPPORT('survey-x'));
    for (const [kind, score] of [
      ['NPS', 11],
      ['NPS', -1],
      ['CSAT', 0],
      ['CSAT', 6],
    ] as const) {
      expect(await failure(svc, SURVEY, { contactId, kind, score }, SUPPORT(T))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'score' });
    }
    for (const ticketId of [othersTicket.id, foreign.id, newId()]) {
      expect(await failure(svc, SURVEY, { contactId, ticketId, kind: 'CSAT', score: 3 }, SUPPORT(T))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'ticketId',
      });
    }
    expect(await failure(svc, SURVEY, { contactId: newId(), kind: 'NPS', score: 5 }, SUPPORT(T))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'contactId',
    });
    expect(await failure(svc, SURVEY, { contactId, kind: 'NPS', score: 5 }, { tenantId: T, roles: ['sales'] })).toMatchObject({
      code: 'FORBIDDEN',
    });
    const [{ n }] = await svc.service.db.query(`SELECT count(*)::int AS n FROM survey_responses WHERE tenant_id = $1`, [T]);
    expect(n).toBe(0);
  });
});

describe('the contact replica', () => {
  test('contact.created is recorded once, even when delivered twice', async () => {
    const T = 'replica-a';
    const contactId = newId();
    const msg = eventMessage('contact.created', T, contactId, { email: 'a@example.com', lifecycleStage: 'LEAD' });
    const before = svc.service.consumer.duplicates;
    await svc.service.consumer.consumeBatch([msg, msg]);
    expect(svc.service.consumer.duplicates).toBe(before + 1);
    expect(await svc.service.db.query('SELECT tenant_id, merged_into FROM contact_refs WHERE id = $1', [contactId])).toEqual([
      { tenant_id: T, merged_into: null },
    ]);
  });

  test("contact.merged moves the duplicate's tickets and responses to the primary; new work for the duplicate lands on the primary", async () => {
    const T = 'replica-b';
    const primaryId = await knownContact(svc, T);
    const duplicateId = await knownContact(svc, T);
    const ticket = await ok(svc, OPEN, { contactId: duplicateId, subject: 'dup' }, SUPPORT(T));
    const nps = await ok(svc, SURVEY, { contactId: duplicateId, kind: 'NPS', score: 8 }, SUPPORT(T));
    const merged = eventMessage('contact.merged', T, primaryId, { primaryId, duplicateId });
    await svc.service.consumer.consumeBatch([merged, merged]);
    const rows = await svc.service.db.query(
      `SELECT (SELECT contact_id FROM tickets WHERE id = $1) AS ticket, (SELECT contact_id FROM survey_responses WHERE id = $2) AS survey`,
      [ticket.id, nps.id],
    );
    expect(rows).toEqual([{ ticket: primaryId, survey: primaryId }]);
    const later = await ok(svc, OPEN, { contactId: duplicateId, subject: 'after merge' }, SUPPORT(T));
    expect(later.contact.id).toBe(primaryId);
    const view = await svc.call(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id openTicketCount latestNps { score } tickets { totalCount } } } }`,
      {
        r: [
          { __typename: 'Contact', id: primaryId },
          { __typename: 'Contact', id: duplicateId },
        ],
      },
      SUPPORT(T),
    );
    expect(view.data!._entities).toEqual([
      { id: primaryId, openTicketCount: 2, latestNps: { score: 8 }, tickets: { totalCount: 2 } },
      { id: duplicateId, openTicketCount: 0, latestNps: null, tickets: { totalCount: 0 } },
    ]);
  });

  test("a merge seen before the duplicate's creation still points it at the primary", async () => {
    const T = 'replica-c';
    const primaryId = newId();
    const duplicateId = newId();
    await svc.service.consumer.consumeBatch([
      eventMessage('contact.merged', T, primaryId, { primaryId, duplicateId }),
      eventMessage('contact.created', T, duplicateId, { email: 'd@example.com', lifecycleStage: 'LEAD' }),
    ]);
    const t = await ok(svc, OPEN, { contactId: duplicateId, subject: 'x' }, SUPPORT(T));
    expect(t.contact.id).toBe(primaryId);
  });
});
