import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { Company, Contact, LeadSettings } from '../entities';
import { pickOwner, type AssignmentRule } from '../domain/assignment';
import type { Actor } from '@crm/service-kit';
import { forgetSettings, loadSettings } from './settings';

/**
 * Give an unowned contact an owner by the tenant's rule, when the rule's trigger happens
 * (capture, or reaching MQL). The settings row is locked so the round-robin cursor is exact.
 */
export async function assignOwnerIfDue(m: EntityManager, actor: Actor, contact: Contact, trigger: 'CAPTURE' | 'MQL'): Promise<Contact> {
  if (contact.ownerId) return contact;
  // Read first, lock only when a rule applies: otherwise every MQL move of a tenant would queue
  // on its settings row until commit.
  const due = (s: LeadSettings): s is LeadSettings & { assignmentRule: AssignmentRule } => !!s.assignmentRule && s.assignOn === trigger;
  if (!due(await loadSettings(m, actor.tenantId))) return contact;
  const settings = await loadSettings(m, actor.tenantId, true);
  if (!due(settings)) return contact;
  const company = contact.companyId ? await m.findOne(Company, { where: { id: contact.companyId, tenantId: actor.tenantId } }) : null;
  const pick = pickOwner(
    settings.assignmentRule,
    { industry: company?.industry ?? null, country: contact.country },
    settings.assignmentCursor,
  );
  if (!pick.ownerId) return contact;
  await m.update(LeadSettings, { tenantId: actor.tenantId }, { assignmentCursor: pick.nextCursor });
  forgetSettings(m);
  contact.ownerId = pick.ownerId;
  const saved = await m.save(contact);
  await emit(m, {
    type: 'contact.updated',
    tenantId: actor.tenantId,
    aggregateId: contact.id,
    actor: actor.userId,
    data: { changedFields: ['ownerId'], values: { ownerId: pick.ownerId } },
  });
  return saved;
}
