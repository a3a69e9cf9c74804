import { TICKET_STATUSES } from '@crm/events';
import { DomainError } from '@crm/service-kit';
import { canMove, checkStatusMove, clockEffect, OPEN_STATUSES, TicketStatus } from '../../src/domain';

const ALLOWED = new Set([
  'NEW>OPEN',
  'NEW>PENDING',
  'NEW>RESOLVED',
  'OPEN>PENDING',
  'OPEN>RESOLVED',
  'PENDING>OPEN',
  'PENDING>RESOLVED',
  'RESOLVED>OPEN',
  'RESOLVED>CLOSED',
]);
const pairs = TICKET_STATUSES.flatMap((from) => TICKET_STATUSES.map((to) => [from, to] as [TicketStatus, TicketStatus]));

describe('ticket status machine, over all 25 pairs', () => {
  test.each(pairs)('%s -> %s', (from, to) => {
    const allowed = ALLOWED.has(`${from}>${to}`);
    expect(canMove(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => checkStatusMove(from, to)).not.toThrow();
    } else {
      let error: unknown;
      try {
        checkStatusMove(from, to);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).extensions).toEqual({ code: 'CONFLICT', from, to });
    }
  });

  test('CLOSED is final; NEW, OPEN and PENDING count as open', () => {
    expect(TICKET_STATUSES.filter((to) => canMove('CLOSED', to))).toEqual([]);
    expect(OPEN_STATUSES).toEqual(['NEW', 'OPEN', 'PENDING']);
  });

  test.each([
    ['NEW', 'OPEN', 'none'],
    ['NEW', 'PENDING', 'pause'],
    ['NEW', 'RESOLVED', 'resolve'],
    ['OPEN', 'PENDING', 'pause'],
    ['OPEN', 'RESOLVED', 'resolve'],
    ['PENDING', 'OPEN', 'resume'],
    ['PENDING', 'RESOLVED', 'resolve'],
    ['RESOLVED', 'OPEN', 'reopen'],
    ['RESOLVED', 'CLOSED', 'none'],
  ] as const)('%s -> %s does %s to the SLA clock', (from, to, effect) => {
    expect(clockEffect(from, to)).toBe(effect);
  });
});
