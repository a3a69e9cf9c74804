import { DEFAULT_SLA_POLICIES, TICKET_PRIORITIES, validateSlaTargets } from '../../src/domain/sla';

describe('SLA policies', () => {
  test('defaults cover every priority once, stricter for higher priorities', () => {
    expect(DEFAULT_SLA_POLICIES.map((p) => p.priority).sort()).toEqual([...TICKET_PRIORITIES].sort());
    const byPriority = Object.fromEntries(DEFAULT_SLA_POLICIES.map((p) => [p.priority, p]));
    expect(byPriority.URGENT.firstResponseMinutes).toBe(60);
    expect(byPriority.URGENT.resolutionMinutes).toBeLessThan(byPriority.HIGH.resolutionMinutes);
    expect(byPriority.HIGH.resolutionMinutes).toBeLessThan(byPriority.NORMAL.resolutionMinutes);
    expect(byPriority.NORMAL.resolutionMinutes).toBeLessThan(byPriority.LOW.resolutionMinutes);
    for (const p of DEFAULT_SLA_POLICIES) expect(validateSlaTargets(p)).toEqual({ ok: true });
  });

  test.each([
    [{ priority: 'LOW', firstResponseMinutes: 0, resolutionMinutes: 10 }, 'firstResponseMinutes'],
    [{ priority: 'LOW', firstResponseMinutes: 10, resolutionMinutes: 1.5 }, 'resolutionMinutes'],
    [{ priority: 'LOW', firstResponseMinutes: 100, resolutionMinutes: 10 }, 'firstResponseMinutes'],
  ] as const)('rejects %j on %s', (targets, field) => {
    expect(validateSlaTargets(targets)).toMatchObject({ ok: false, field });
  });
});
