import type { EntityManager } from 'typeorm';
import { badInput, perTransaction, tenantRepository } from '@crm/service-kit';
import { LeadSettings } from '../entities';
import { DEFAULT_SCORING_RULES } from '../domain/scoring';
import { validateScoringRules } from '../domain/scoring-validation';
import type { AssignmentRule } from '../domain/assignment';

export const DEFAULT_LEAD_SETTINGS: Omit<LeadSettings, 'tenantId' | 'updatedAt'> = {
  scoringRules: DEFAULT_SCORING_RULES,
  recycleStage: 'MQL',
  churnInactivityDays: 180,
  npsPromoterThreshold: 9,
  npsDetractorThreshold: 6,
  assignmentRule: null,
  assignOn: 'MQL',
  assignmentCursor: 0,
};

/** A new tenant's settings row (tenant provisioning). */
export async function provisionLeadSettings(m: EntityManager, tenantId: string): Promise<void> {
  await m.insert(LeadSettings, { tenantId, ...DEFAULT_LEAD_SETTINGS });
  forgetSettings(m);
}

/**
 * Unlocked reads are kept for the rest of the transaction: a consumer run or a contact's moves
 * ask for them once per event. A locked read, or a write of the row, starts afresh.
 */
const settingsInTransaction = perTransaction<LeadSettings>();

/** After writing the settings row inside `m`'s transaction. */
export function forgetSettings(m: EntityManager): void {
  settingsInTransaction.forget(m);
}

export async function loadSettings(m: EntityManager, tenantId: string, forUpdate = false): Promise<LeadSettings> {
  const read = async () =>
    (await tenantRepository(m, LeadSettings, tenantId)[forUpdate ? 'findOneForUpdate' : 'findOne']({})) ??
    ({ tenantId, updatedAt: new Date(), ...DEFAULT_LEAD_SETTINGS } as LeadSettings);
  if (!forUpdate) return settingsInTransaction.get(m, tenantId, read);
  forgetSettings(m);
  return read();
}

export interface UpdateLeadSettingsInput {
  scoringRules?: unknown;
  recycleStage?: string | null;
  churnInactivityDays?: number | null;
  npsPromoterThreshold?: number | null;
  npsDetractorThreshold?: number | null;
  assignmentRule?: unknown;
  assignOn?: string | null;
}

function validateAssignmentRule(rule: unknown): AssignmentRule | null {
  if (rule === null) return null;
  const r = rule as { kind?: unknown; userIds?: unknown; map?: unknown; fallback?: unknown };
  const ids = (v: unknown, field: string) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() && x.length <= 64)) {
      throw badInput(field, `${field} must be a list of user ids`);
    }
    return v as string[];
  };
  if (r?.kind === 'ROUND_ROBIN') return { kind: 'ROUND_ROBIN', userIds: ids(r.userIds, 'assignmentRule.userIds') };
  if (r?.kind === 'BY_INDUSTRY' || r?.kind === 'BY_TERRITORY') {
    if (typeof r.map !== 'object' || r.map === null || Array.isArray(r.map))
      throw badInput('assignmentRule.map', 'map must be an object of lists');
    const map = Object.fromEntries(Object.entries(r.map).map(([k, v]) => [k, ids(v, `assignmentRule.map.${k}`)]));
    return { kind: r.kind, map, fallback: ids(r.fallback ?? [], 'assignmentRule.fallback') };
  }
  throw badInput('assignmentRule.kind', 'kind must be ROUND_ROBIN, BY_INDUSTRY or BY_TERRITORY');
}

const intIn = (v: number, field: string, min: number, max: number) => {
  if (!Number.isInteger(v) || v < min || v > max) throw badInput(field, `${field} must be an integer from ${min} to ${max}`);
  return v;
};

/** Admins change the tenant's thresholds and rules; every value is validated before any is saved. */
export async function updateLeadSettings(m: EntityManager, tenantId: string, input: UpdateLeadSettingsInput): Promise<LeadSettings> {
  const settings = await loadSettings(m, tenantId, true);
  if (input.scoringRules !== undefined) {
    const v = validateScoringRules(input.scoringRules);
    if (!v.ok) throw badInput(`scoringRules.${v.field}`, v.message);
    settings.scoringRules = v.rules;
  }
  if (input.recycleStage != null) {
    if (input.recycleStage !== 'MQL' && input.recycleStage !== 'LEAD') throw badInput('recycleStage', 'recycleStage must be MQL or LEAD');
    settings.recycleStage = input.recycleStage;
  }
  if (input.churnInactivityDays != null) settings.churnInactivityDays = intIn(input.churnInactivityDays, 'churnInactivityDays', 1, 3650);
  if (input.npsPromoterThreshold != null) settings.npsPromoterThreshold = intIn(input.npsPromoterThreshold, 'npsPromoterThreshold', 0, 10);
  if (input.npsDetractorThreshold != null)
    settings.npsDetractorThreshold = intIn(input.npsDetractorThreshold, 'npsDetractorThreshold', 0, 10);
  if (settings.npsDetractorThreshold >= settings.npsPromoterThreshold) {
    throw badInput('npsDetractorThreshold', 'npsDetractorThreshold must be below npsPromoterThreshold');
  }
  if (input.assignmentRule !== undefined) settings.assignmentRule = validateAssignmentRule(input.assignmentRule);
  if (input.assignOn != null) {
    if (input.assignOn !== 'CAPTURE' && input.assignOn !== 'MQL') throw badInput('assignOn', 'assignOn must be CAPTURE or MQL');
    settings.assignOn = input.assignOn;
  }
  forgetSettings(m);
  return m.save(LeadSettings, settings);
}
