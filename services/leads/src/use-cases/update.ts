import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { badInput, characterLength, conflict, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { Company, Contact } from '../entities';
import { normaliseEmail } from '../domain/dedupe';
import { FIT_SCORE_FIELDS } from '../domain/scoring';
import { lockContact } from './lifecycle';
import { rescore } from './scoring';

export interface UpdateContactInput {
  id: string;
  /** Optimistic concurrency: when given, it must be the version the client read. */
  version?: number | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  jobTitle?: string | null;
  phone?: string | null;
  companyId?: string | null;
  ownerId?: string | null;
  budget?: number | null;
  country?: string | null;
}

const TEXT_LIMITS = { firstName: 100, lastName: 100, jobTitle: 150, phone: 50, ownerId: 64 } as const;

/**
 * updateContact: an explicit edit. A field left out is unchanged; null clears it (email cannot
 * be cleared). The lifecycle stage is not editable here: changeLifecycleStage owns it.
 */
export async function updateContact(m: EntityManager, actor: Actor, input: UpdateContactInput): Promise<Contact> {
  const contact = await lockContact(m, actor.tenantId, input.id, 'id');
  if (input.version != null && input.version !== contact.version) {
    throw conflict(`Contact ${contact.id} was changed by someone else (version ${contact.version}, you sent ${input.version})`, {
      reason: 'STALE_VERSION',
    });
  }
  const next: Record<string, unknown> = {};
  if (input.email !== undefined) {
    const email = normaliseEmail(input.email ?? '');
    if (!email.ok) throw badInput('email', email.message);
    const taken = await m.findOne(Contact, { where: { tenantId: actor.tenantId, email: email.email } });
    if (taken && taken.id !== contact.id)
      throw conflict(`Another contact already has the email ${email.email}`, { reason: 'DUPLICATE_EMAIL', contactId: taken.id });
    next.email = email.email;
  }
  for (const [field, max] of Object.entries(TEXT_LIMITS)) {
    const v = input[field as keyof typeof TEXT_LIMITS];
    if (v === undefined) continue;
    const cleaned = v === null ? null : v.trim().replace(/\s+/g, ' ') || null;
    if (cleaned && characterLength(cleaned) > max) throw badInput(field, `${field} must be at most ${max} characters`);
    next[field] = cleaned;
  }
  if (input.companyId !== undefined) next.companyId = input.companyId === null ? null : requireUuid(input.companyId, 'companyId');
  if (input.budget !== undefined) {
    if (input.budget !== null && (!Number.isInteger(input.budget) || input.budget < 0))
      throw badInput('budget', 'budget must be a non-negative integer');
    next.budget = input.budget;
  }
  if (input.country !== undefined) {
    if (input.country !== null && !/^[A-Za-z]{2}$/.test(input.country.trim()))
      throw badInput('country', 'country must be an ISO 3166 alpha-2 code');
    next.country = input.country?.trim().toUpperCase() ?? null;
  }
  if (next.companyId) {
    const company = await tenantRepository(m, Company, actor.tenantId).count({ id: String(next.companyId) });
    if (!company) throw badInput('companyId', `Company ${next.companyId} not found`);
  }
  const changed = Object.keys(next).filter((k) => (contact as unknown as Record<string, unknown>)[k] !== next[k]);
  if (!changed.length) return contact;
  Object.assign(contact, Object.fromEntries(changed.map((k) => [k, next[k]])));
  let saved = await m.save(contact);
  await emit(m, {
    type: 'contact.updated',
    tenantId: actor.tenantId,
    aggregateId: contact.id,
    actor: actor.userId,
    data: { changedFields: changed, values: Object.fromEntries(changed.map((k) => [k, next[k]])) },
  });
  if (changed.some((f) => FIT_SCORE_FIELDS.has(f))) saved = await rescore(m, actor, saved);
  return saved;
}
