import { DomainError } from '@crm/service-kit';
import { nextAssignee, validateSupportAgents } from '../../src/domain';

describe('round-robin assignment', () => {
  test('takes the agents in turn and wraps around', () => {
    const agents = ['ann', 'bob', 'cy'];
    let cursor = 0;
    const picks: Array<string | null> = [];
    for (let i = 0; i < 7; i++) {
      const next = nextAssignee(agents, cursor);
      picks.push(next.assigneeId);
      cursor = next.cursor;
    }
    expect(picks).toEqual(['ann', 'bob', 'cy', 'ann', 'bob', 'cy', 'ann']);
  });

  test('no agents: nobody, the cursor stays', () => {
    expect(nextAssignee([], 4)).toEqual({ assigneeId: null, cursor: 4 });
  });

  test('a cursor past a shortened list wraps onto it', () => {
    expect(nextAssignee(['ann', 'bob'], 5)).toEqual({ assigneeId: 'bob', cursor: 0 });
  });

  test('agent lists: trimmed, unique, user-id sized', () => {
    expect(validateSupportAgents([' ann ', 'bob'])).toEqual(['ann', 'bob']);
    for (const bad of [['ann', 'ann'], [''], ['x'.repeat(65)], 'ann']) {
      expect(() => validateSupportAgents(bad)).toThrow(DomainError);
      try {
        validateSupportAgents(bad);
      } catch (err) {
        expect((err as DomainError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'supportAgentIds' });
      }
    }
  });
});
