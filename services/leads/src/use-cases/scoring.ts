import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { Company, Contact } from '../entities';
import { ENGAGEMENT_KINDS, EngagementKind, ScoringRules, scoreContact } from '../domain/scoring';
import { onScoreChanged, LifecycleStage } from '../domain/lifecycle';
import type { Actor } from '@crm/service-kit';
import { applyStageMove, saveLockedContact } from './lifecycle';
import { loadSettings } from './settings';
import { engagementsOf, insertEngagement } from './contact-records';

/** What the score is computed from, once the company and engagement rows are loaded. */
export function scoreInputsOf(contact: Contact, company: Company | null, rows: Array<{ kind: EngagementKind; at: Date }>) {
  return {
    profile: {
      industry: company?.industry ?? null,
      companySize: company?.size ?? null,
      jobTitle: contact.jobTitle,
      budget: contact.budget,
    },
    events: rows.filter((r) => (ENGAGEMENT_KINDS as readonly string[]).includes(r.kind)),
  };
}

export async function scoreInputs(m: EntityManager, contact: Contact) {
  const company = contact.companyId ? await m.findOne(Company, { where: { id: contact.companyId, tenantId: contact.tenantId } }) : null;
  return scoreInputsOf(contact, company, await engagementsOf(m, contact.tenantId, contact.id));
}

export function breakdownOf(inputs: ReturnType<typeof scoreInputsOf>, rules: ScoringRules, now = new Date()) {
  const result = scoreContact(inputs.profile, inputs.events, rules, now);
  return { ...result, parts: result.breakdown };
}

export async function scoreBreakdown(m: EntityManager, contact: Contact, rules: ScoringRules, now = new Date()) {
  return breakdownOf(await scoreInputs(m, contact), rules, now);
}

/**
 * Recompute a locked contact's score; emit contact.score_changed when it moved, and move the
 * contact to MQL when the score crosses the tenant's threshold upward.
 */
export async function rescore(m: EntityManager, actor: Actor, contact: Contact, now = new Date()): Promise<Contact> {
  const settings = await loadSettings(m, actor.tenantId);
  const result = await scoreBreakdown(m, contact, settings.scoringRules, now);
  const fit = Math.round(result.fit);
  const engagement = Math.round(result.engagement);
  const previous = contact.score;
  if (result.score === previous && fit === contact.fitScore && engagement === contact.engagementScore) return contact;
  contact = await saveLockedContact(m, contact, { score: result.score, fitScore: fit, engagementScore: engagement });
  await emit(m, {
    type: 'contact.score_changed',
    tenantId: actor.tenantId,
    aggregateId: contact.id,
    actor: actor.userId,
    data: { previous, score: result.score, fit, engagement },
  });
  const move = onScoreChanged(contact.lifecycleStage as LifecycleStage, previous, result.score, settings.scoringRules.mqlThreshold);
  return move ? applyStageMove(m, actor, contact, move, 'RULE') : contact;
}

/** An engagement (open, click, form fill, response, page view, meeting) on a locked contact. */
export async function addEngagement(m: EntityManager, actor: Actor, contact: Contact, kind: EngagementKind, at: Date): Promise<Contact> {
  await insertEngagement(m, actor.tenantId, contact.id, kind, at);
  if (!contact.lastEngagementAt || contact.lastEngagementAt < at) contact.lastEngagementAt = at;
  return rescore(m, actor, contact, new Date());
}
