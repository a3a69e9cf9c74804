import { badInput } from '@crm/service-kit';
import { validateUserId } from './tickets';

export const MAX_SUPPORT_AGENTS = 500;

/**
 * Round-robin over the tenant's support agents: the agent at `cursor` (modulo the list, so a
 * shorter list after an edit still works), and the cursor for the next ticket. No agents: nobody.
 */
export function nextAssignee(agentIds: readonly string[], cursor: number): { assigneeId: string | null; cursor: number } {
  if (!agentIds.length) return { assigneeId: null, cursor };
  const i = ((cursor % agentIds.length) + agentIds.length) % agentIds.length;
  return { assigneeId: agentIds[i], cursor: (i + 1) % agentIds.length };
}

export function validateSupportAgents(ids: unknown): string[] {
  if (!Array.isArray(ids)) throw badInput('supportAgentIds', 'supportAgentIds must be a list');
  if (ids.length > MAX_SUPPORT_AGENTS) throw badInput('supportAgentIds', `at most ${MAX_SUPPORT_AGENTS} support agents`);
  const clean = ids.map((id) => validateUserId(id, 'supportAgentIds'));
  if (new Set(clean).size !== clean.length) throw badInput('supportAgentIds', 'supportAgentIds must not repeat an agent');
  return clean;
}
