import { startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';
import { detectSlaBreaches } from '../../src/use-cases/breaches';
import {
  ALL_WEEK,
  COMMENT,
  failure,
  HOURS,
  knownContact,
  ok,
  OPEN,
  outbox,
  POLICY,
  roundTheClock,
  STATUS,
  SUPPORT,
  TICKET,
} from './helpers';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService('tickets_sla', createService);
});
afterAll(() => svc.stop());

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);
const breachesOf = async (ticketId: string) => (await outbox(svc, ticketId)).filter((e) => e.event_type === 'ticket.sla_breached');
const TICKET_Q = `query($id: ID!) { ticket(id: $id) { ${TICKET} } }`;

describe('SLA policies', () => {
  test('admins change a policy; tickets opened before keep their snapshot, new ones take the new version', async () => {
    const T = 'policy-a';
    const contactId = await knownContact(svc, T);
    const before = await ok(svc, OPEN, { contactId, subject: 'before' }, SUPPORT(T));
    const policy = await ok(svc, POLICY, { priority: 'NORMAL', firstResponseMinutes: 30, resolutionMinutes: 600 }, { tenantId: T });
    expect(policy).toMatchObject({ priority: 'NORMAL', firstResponseMinutes: 30, resolutionMinutes: 600, version: 2 });
    const after = await ok(svc, OPEN, { contactId, subject: 'after' }, SUPPORT(T));
    expect(before.sla).toMatchObject({ policyVersion: 1, firstResponseMinutes: 480 });
    expect(after.sla).toMatchObject({ policyId: policy.id, policyVersion: 2, firstResponseMinutes: 30, resolutionMinutes: 600 });
    const again = (await svc.call(TICKET_Q, { id: before.id }, SUPPORT(T))).data!.ticket;
    expect(again.sla).toMatchObject({ policyVersion: 1, firstResponseMinutes: 480, firstResponseDueAt: before.sla.firstResponseDueAt });
    const list = (await svc.call('{ slaPolicies { priority firstResponseMinutes version } }', {}, SUPPORT(T))).data!.slaPolicies;
    expect(list.map((p: { priority: string }) => p.priority)).toEqual(['URGENT', 'HIGH', 'NORMAL', 'LOW']);
  });

  test('validation names the field; only admins edit', async () => {
    const T = 'policy-b';
    expect(await failure(svc, POLICY, { priority: 'LOW', firstResponseMinutes: 0 }, { tenantId: T })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'firstResponseMinutes',
    });
    expect(
      await failure(svc, POLICY, { priority: 'LOW', firstResponseMinutes: 9000, resolutionMinutes: 10 }, { tenantId: T }),
    ).toMatchObject({ field: 'firstResponseMinutes' });
    expect(await failure(svc, POLICY, { priority: 'LOW', resolutionMinutes: 100 }, SUPPORT(T))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(svc, HOURS, { timeZone: 'UTC' }, SUPPORT(T))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('business hours', () => {
  test('default Mon-Fri 09:00-17:00 UTC; partial updates; bad values name their field', async () => {
    const T = 'hours-a';
    const read = async () =>
      (await svc.call('{ businessHours { weekdays opensAt closesAt timeZone holidays } }', {}, SUPPORT(T))).data!.businessHours;
    expect(await read()).toEqual({ weekdays: ALL_WEEK.slice(0, 5), opensAt: '09:00', closesAt: '17:00', timeZone: 'UTC', holidays: [] });
    await ok(svc, HOURS, { timeZone: 'Europe/Paris', holidays: ['2026-12-25'] }, { tenantId: T });
    await ok(svc, HOURS, { opensAt: '08:30' }, { tenantId: T });
    expect(await read()).toEqual({
      weekdays: ALL_WEEK.slice(0, 5),
      opensAt: '08:30',
      closesAt: '17:00',
      timeZone: 'Europe/Paris',
      holidays: ['2026-12-25'],
    });
    for (const [input, field] of [
      [{ timeZone: 'Mars/Base' }, 'timeZone'],
      [{ opensAt: '18:00' }, 'closesAt'],
      [{ holidays: ['25/12/2026'] }, 'holidays'],
      [{ weekdays: [] }, 'weekdays'],
      [{ closesAt: '25:00' }, 'closesAt'],
      [{ timeZone: null }, 'timeZone'],
    ] as const) {
      expect(await failure(svc, HOURS, input, { tenantId: T })).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect((await read()).opensAt).toBe('08:30');
  });
});

describe('the breach job', () => {
  async function oneMinuteTicket(T: string) {
    await roundTheClock(svc, T);
    await ok(svc, POLICY, { priority: 'URGENT', firstResponseMinutes: 1, resolutionMinutes: 1 }, { tenantId: T });
    const contactId = await knownContact(svc, T);
    return { contactId, ticket: await ok(svc, OPEN, { contactId, subject: 'urgent', priority: 'URGENT' }, SUPPORT(T)) };
  }

  test('two runs at the same moment (as on two replicas) announce each target exactly once', async () => {
    const { contactId, ticket } = await oneMinuteTicket('breach-a');
    expect(await detectSlaBreaches(svc.service.db, new Date())).toBe(0);
    const later = inMinutes(2);
    await Promise.all([
      detectSlaBreaches(svc.service.db, later),
      detectSlaBreaches(svc.service.db, later),
      detectSlaBreaches(svc.service.db, later),
    ]);
    await detectSlaBreaches(svc.service.db, inMinutes(5));
    const events = await breachesOf(ticket.id);
    expect(events.map((e) => e.data)).toEqual([
      { contactId, target: 'FIRST_RESPONSE', dueAt: ticket.sla.firstResponseDueAt },
      { contactId, target: 'RESOLUTION', dueAt: ticket.sla.resolutionDueAt },
    ]);
    expect(events.map((e) => e.occurred_at)).toEqual([ticket.sla.firstResponseDueAt, ticket.sla.resolutionDueAt]);
    const [row] = await svc.service.db.query('SELECT first_response_breached_at, resolution_breached_at FROM tickets WHERE id = $1', [
      ticket.id,
    ]);
    expect(row.first_response_breached_at.toISOString()).toBe(ticket.sla.firstResponseDueAt);
    expect(row.resolution_breached_at.toISOString()).toBe(ticket.sla.resolutionDueAt);
  });

  test('many tickets at once: one event per target per ticket, across tenants', async () => {
    const a = await Promise.all([1, 2, 3].map(() => oneMinuteTicket('breach-b')));
    const b = await oneMinuteTicket('breach-c');
    const later = inMinutes(3);
    const counts = await Promise.all([detectSlaBreaches(svc.service.db, later), detectSlaBreaches(svc.service.db, later)]);
    expect(counts.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(8);
    for (const { ticket } of [...a, b]) expect(await breachesOf(ticket.id)).toHaveLength(2);
  });

  test('a paused ticket is never flagged; a late first response the job has not seen is announced once by the write', async () => {
    const T = 'breach-d';
    const paused = await oneMinuteTicket(T);
    await ok(svc, STATUS, { ticketId: paused.ticket.id, status: 'PENDING' }, SUPPORT(T));
    await detectSlaBreaches(svc.service.db, inMinutes(60));
    expect(await breachesOf(paused.ticket.id)).toEqual([]);

    const late = await oneMinuteTicket(T);
    // Make it late in real time without waiting: move its clock 2 minutes into the past.
    await svc.service.db.query(
      `UPDATE tickets SET sla_running_since = sla_running_since - interval '2 minutes', created_at = created_at - interval '2 minutes',
              first_response_due_at = first_response_due_at - interval '2 minutes', resolution_due_at = resolution_due_at - interval '2 minutes'
        WHERE id = $1`,
      [late.ticket.id],
    );
    const replied = await ok(svc, COMMENT, { ticketId: late.ticket.id, body: 'Sorry for the wait' }, SUPPORT(T));
    expect(replied.sla).toMatchObject({ firstResponseBreached: true, resolutionBreached: true, breached: true });
    await detectSlaBreaches(svc.service.db, inMinutes(10));
    const events = await breachesOf(late.ticket.id);
    expect(events.map((e) => e.data.target).sort()).toEqual(['FIRST_RESPONSE', 'RESOLUTION']);
    const [responded] = (await outbox(svc, late.ticket.id)).filter((e) => e.event_type === 'ticket.first_responded');
    expect(responded.data).toMatchObject({ breached: true, businessMinutes: 2 });
    const list = (await svc.call('{ tickets(filter: { breached: true }) { edges { node { id } } } }', {}, SUPPORT(T))).data!.tickets;
    expect(list.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([late.ticket.id]);
  });
});
