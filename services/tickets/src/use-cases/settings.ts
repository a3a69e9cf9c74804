import type { EntityManager } from 'typeorm';
import { advisoryXactLock, badInput, tenantRepository } from '@crm/service-kit';
import { BusinessHours, SlaPolicy, TicketSettings } from '../entities';
import {
  BusinessCalendar,
  byUrgency,
  DEFAULT_CALENDAR,
  DEFAULT_SLA_POLICIES,
  nextAssignee,
  parseClock,
  validateCalendar,
  validateSlaTargets,
  validateSupportAgents,
  validatePriority,
  Weekday,
  WEEKDAYS,
} from '../domain';

/** A new tenant's defaults: one SLA policy per priority (runs once, inside tenant provisioning). */
export async function provisionTenant(m: EntityManager, tenantId: string): Promise<void> {
  const policies = tenantRepository(m, SlaPolicy, tenantId);
  await m.save(DEFAULT_SLA_POLICIES.map((p) => policies.create({ ...p, version: 1 })));
}

/** The tenant's business hours; no row = Mon-Fri 09:00-17:00 UTC, no holidays. */
export async function loadCalendar(m: EntityManager, tenantId: string): Promise<BusinessCalendar> {
  const row = await tenantRepository(m, BusinessHours, tenantId).findOne({});
  return row ? calendarOf(row) : DEFAULT_CALENDAR;
}

export const calendarOf = (row: BusinessHours): BusinessCalendar => ({
  weekdays: row.weekdays,
  opensAtMinute: row.opensAtMinute,
  closesAtMinute: row.closesAtMinute,
  timeZone: row.timeZone,
  holidays: row.holidays,
});

export interface UpdateBusinessHoursInput {
  weekdays?: Weekday[] | null;
  opensAt?: string | null;
  closesAt?: string | null;
  timeZone?: string | null;
  holidays?: string[] | null;
}

/**
 * Only the fields given change. Due times already stored on open tickets stay as computed;
 * the new hours apply from each ticket's next clock change (and to every new ticket).
 */
export async function updateBusinessHours(m: EntityManager, tenantId: string, input: UpdateBusinessHoursInput): Promise<BusinessCalendar> {
  for (const key of ['weekdays', 'opensAt', 'closesAt', 'timeZone', 'holidays'] as const) {
    if (input[key] === null) throw badInput(key, `${key} cannot be cleared`);
  }
  await advisoryXactLock(m, 'tickets', 'business-hours', tenantId);
  const current = await loadCalendar(m, tenantId);
  if (input.weekdays && input.weekdays.some((d) => !WEEKDAYS.includes(d))) throw badInput('weekdays', 'unknown weekday');
  const next = validateCalendar({
    weekdays: input.weekdays ?? current.weekdays,
    opensAtMinute: input.opensAt !== undefined ? parseClock(input.opensAt!, 'opensAt') : current.opensAtMinute,
    closesAtMinute: input.closesAt !== undefined ? parseClock(input.closesAt!, 'closesAt') : current.closesAtMinute,
    timeZone: input.timeZone ?? current.timeZone,
    holidays: input.holidays ?? current.holidays,
  });
  await m.query(
    `INSERT INTO business_hours (tenant_id, weekdays, opens_at_minute, closes_at_minute, time_zone, holidays) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id) DO UPDATE SET weekdays = $2, opens_at_minute = $3, closes_at_minute = $4, time_zone = $5, holidays = $6`,
    [tenantId, next.weekdays, next.opensAtMinute, next.closesAtMinute, next.timeZone, next.holidays],
  );
  return next;
}

export async function listSlaPolicies(m: EntityManager, tenantId: string): Promise<SlaPolicy[]> {
  return byUrgency(await tenantRepository(m, SlaPolicy, tenantId).find());
}

export interface UpdateSlaPolicyInput {
  priority: string;
  firstResponseMinutes?: number | null;
  resolutionMinutes?: number | null;
}

/** A new version of the priority's policy: tickets opened from now on use it; open ones keep theirs. */
export async function updateSlaPolicy(m: EntityManager, tenantId: string, input: UpdateSlaPolicyInput): Promise<SlaPolicy> {
  const priority = validatePriority(input.priority);
  const policies = tenantRepository(m, SlaPolicy, tenantId);
  const policy = await policies.findOneForUpdate({ priority });
  if (!policy) throw badInput('priority', `no policy for ${priority}`);
  const targets = {
    priority,
    firstResponseMinutes: input.firstResponseMinutes ?? policy.firstResponseMinutes,
    resolutionMinutes: input.resolutionMinutes ?? policy.resolutionMinutes,
  };
  const check = validateSlaTargets(targets);
  if (!check.ok) throw badInput(check.field, check.message);
  policy.firstResponseMinutes = targets.firstResponseMinutes;
  policy.resolutionMinutes = targets.resolutionMinutes;
  policy.version += 1;
  return policies.save(policy);
}

export interface TicketSettingsView {
  supportAgentIds: string[];
}

export async function loadTicketSettings(m: EntityManager, tenantId: string): Promise<TicketSettingsView> {
  const row = await tenantRepository(m, TicketSettings, tenantId).findOne({});
  return { supportAgentIds: row?.supportAgentIds ?? [] };
}

export async function updateTicketSettings(
  m: EntityManager,
  tenantId: string,
  input: { supportAgentIds?: string[] | null },
): Promise<TicketSettingsView> {
  if (input.supportAgentIds === undefined) return loadTicketSettings(m, tenantId);
  const agents = validateSupportAgents(input.supportAgentIds);
  await m.query(
    `INSERT INTO ticket_settings (tenant_id, support_agent_ids, next_agent_index) VALUES ($1, $2, 0)
     ON CONFLICT (tenant_id) DO UPDATE SET support_agent_ids = $2, next_agent_index = 0`,
    [tenantId, agents],
  );
  return { supportAgentIds: agents };
}

/** The next agent of the round-robin; the row lock makes concurrent tickets take turns. */
export async function takeRoundRobinAgent(m: EntityManager, tenantId: string): Promise<string | null> {
  const [row]: Array<{ support_agent_ids: string[]; next_agent_index: number }> = await m.query(
    'SELECT support_agent_ids, next_agent_index FROM ticket_settings WHERE tenant_id = $1 FOR UPDATE',
    [tenantId],
  );
  if (!row) return null;
  const pick = nextAssignee(row.support_agent_ids, row.next_agent_index);
  if (pick.assigneeId) await m.query('UPDATE ticket_settings SET next_agent_index = $2 WHERE tenant_id = $1', [tenantId, pick.cursor]);
  return pick.assigneeId;
}
