import type { EntityManager } from 'typeorm';
import { LIFECYCLE_STAGES } from '@crm/events';
import { badInput, conflict, notFound, perTransaction, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { Campaign, EnrolmentRule } from '../entities';
import { enrolContact } from './members';

/**
 * A tenant's rules, read once per transaction: a delivered run of events (one transaction)
 * asks for them per stage change. Writing a rule forgets the transaction's copy.
 */
const rulesInTransaction = perTransaction<EnrolmentRule[]>();

export const ENROLMENT_TRIGGERS = ['DEAL_WON', 'CHURN_RISK', 'STAGE_REACHED'] as const;
export type EnrolmentTrigger = (typeof ENROLMENT_TRIGGERS)[number];

export interface CreateEnrolmentRuleInput {
  trigger: EnrolmentTrigger;
  stage?: string | null;
  campaignId: string;
}

/** createEnrolmentRule: STAGE_REACHED names a stage, the other triggers none; one rule per (trigger, stage, campaign). */
export async function createEnrolmentRule(m: EntityManager, actor: Actor, input: CreateEnrolmentRuleInput): Promise<EnrolmentRule> {
  if (!ENROLMENT_TRIGGERS.includes(input.trigger)) throw badInput('trigger', `trigger must be one of ${ENROLMENT_TRIGGERS.join(', ')}`);
  const stage = input.stage ?? null;
  if (input.trigger === 'STAGE_REACHED' && !stage) throw badInput('stage', 'STAGE_REACHED needs a stage');
  if (input.trigger !== 'STAGE_REACHED' && stage) throw badInput('stage', `${input.trigger} takes no stage`);
  if (stage && !(LIFECYCLE_STAGES as readonly string[]).includes(stage)) throw badInput('stage', `unknown stage ${stage}`);
  const campaignId = requireUuid(input.campaignId, 'campaignId');
  if (!(await tenantRepository(m, Campaign, actor.tenantId).count({ id: campaignId })))
    throw notFound('Campaign', campaignId, 'campaignId');
  const rows: Array<{ id: string }> = await m.query(
    `INSERT INTO enrolment_rules (tenant_id, trigger, stage, campaign_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
    [actor.tenantId, input.trigger, stage, campaignId],
  );
  if (!rows.length) throw conflict('This enrolment rule exists already', { reason: 'DUPLICATE_RULE' });
  rulesInTransaction.forget(m);
  return (await tenantRepository(m, EnrolmentRule, actor.tenantId).findOne({ id: rows[0].id }))!;
}

export async function deleteEnrolmentRule(m: EntityManager, actor: Actor, input: { id: string }): Promise<EnrolmentRule> {
  const repo = tenantRepository(m, EnrolmentRule, actor.tenantId);
  const rule = await repo.findOneForUpdate({ id: requireUuid(input.id, 'id') });
  if (!rule) throw notFound('Enrolment rule', input.id, 'id');
  await repo.delete({ id: rule.id });
  rulesInTransaction.forget(m);
  return rule;
}

export const listEnrolmentRules = (m: EntityManager, tenantId: string) =>
  tenantRepository(m, EnrolmentRule, tenantId).find({ order: { createdAt: 'ASC', id: 'ASC' } });

const tenantRules = (m: EntityManager, tenantId: string) =>
  rulesInTransaction.get(m, tenantId, () => tenantRepository(m, EnrolmentRule, tenantId).find());

/** An event happened to a contact: enrol it into the ACTIVE campaigns of the matching rules (once each). */
export async function enrolByRules(
  m: EntityManager,
  tenantId: string,
  contactId: string,
  trigger: EnrolmentTrigger,
  stage: string | null,
  actor: string | null,
): Promise<number> {
  const rules = (await tenantRules(m, tenantId)).filter((r) => r.trigger === trigger && (trigger !== 'STAGE_REACHED' || r.stage === stage));
  return enrolContact(m, tenantId, contactId, [...new Set(rules.map((r) => r.campaignId))], new Date(), actor);
}
