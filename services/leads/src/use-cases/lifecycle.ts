import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { badInput, conflict, notFound, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { Contact, StageChange } from '../entities';
import { checkTransition, isCustomerStage, isLifecycleStage, LifecycleStage, StageChangeSource, StageMove } from '../domain/lifecycle';
import { assignOwnerIfDue } from './assignment';

/** Append a StageChange and emit contact.lifecycle_stage_changed, in the caller's transaction. */
export async function recordStageChange(
  m: EntityManager,
  actor: Actor,
  contact: Contact,
  from: LifecycleStage | null,
  to: LifecycleStage,
  reason: string | null,
  source: StageChangeSource,
  at = new Date(),
): Promise<StageChange> {
  const changes = tenantRepository(m, StageChange, actor.tenantId);
  const change = changes.create({
    contactId: contact.id,
    fromStage: from,
    toStage: to,
    at,
    reason,
    actor: actor.userId,
    source,
  });
  await changes.insert(change);
  await emit(m, {
    type: 'contact.lifecycle_stage_changed',
    tenantId: actor.tenantId,
    aggregateId: contact.id,
    actor: actor.userId,
    occurredAt: at,
    data: { from, to, reason, source, at: at.toISOString() },
  });
  return change;
}

/** The contact's row, locked (concurrent changes to one contact serialise here); null if unknown. */
export function findContactForUpdate(m: EntityManager, tenantId: string, contactId: string): Promise<Contact | null> {
  return tenantRepository(m, Contact, tenantId).findOneForUpdate({ id: contactId });
}

/**
 * Writes `changes` to a contact this transaction has locked: one UPDATE (version and updatedAt
 * bumped, returned) instead of save(), which re-reads the row to diff it. The hot path of every
 * stage move and reaction.
 */
export async function saveLockedContact(m: EntityManager, contact: Contact, changes: Partial<Contact>): Promise<Contact> {
  const result = await m
    .createQueryBuilder()
    .update(Contact)
    .set(changes)
    .where('tenant_id = :tenantId AND id = :id', { tenantId: contact.tenantId, id: contact.id })
    .returning(['version', 'updated_at'])
    .execute();
  const [row] = result.raw as Array<{ version: number; updated_at: Date }>;
  return Object.assign(contact, changes, { version: row.version, updatedAt: row.updated_at });
}

/** The same for an API caller: a malformed id is BAD_USER_INPUT, an unknown one NOT_FOUND. */
export async function lockContact(m: EntityManager, tenantId: string, contactId: string, field = 'contactId'): Promise<Contact> {
  const contact = await findContactForUpdate(m, tenantId, requireUuid(contactId, field));
  if (!contact) throw notFound('Contact', contactId, field);
  return contact;
}

/** Move a locked contact, enforcing the stage machine (the README's lifecycle rules); throws CONFLICT / BAD_USER_INPUT. */
export async function moveContact(
  m: EntityManager,
  actor: Actor,
  contact: Contact,
  to: LifecycleStage,
  reason: string | null,
  source: StageChangeSource,
  at = new Date(),
): Promise<Contact> {
  const from = contact.lifecycleStage as LifecycleStage;
  const verdict = checkTransition(from, to, reason);
  if (!verdict.ok) {
    if (verdict.code === 'REASON_REQUIRED') throw badInput('reason', verdict.message);
    throw conflict(verdict.message, { reason: verdict.code, from, to });
  }
  const changes: Partial<Contact> = { lifecycleStage: to };
  if (to === 'CUSTOMER' && !isCustomerStage(from)) changes.customerSince = at; // churn clock starts
  const saved = await saveLockedContact(m, contact, changes);
  await recordStageChange(m, actor, saved, from, to, reason?.trim() || null, source, at);
  return to === 'MQL' ? assignOwnerIfDue(m, actor, saved, 'MQL') : saved;
}

/** Apply an automatic rule's decision (possibly through an intermediate stage). */
export async function applyStageMove(
  m: EntityManager,
  actor: Actor,
  contact: Contact,
  move: StageMove,
  source: StageChangeSource,
  at = new Date(),
): Promise<Contact> {
  if (move.via) contact = await moveContact(m, actor, contact, move.via, move.reason, source, at);
  return moveContact(m, actor, contact, move.to, move.reason, source, at);
}

export interface ChangeLifecycleStageInput {
  contactId: string;
  stage: string;
  reason?: string | null;
}

/** `at`: when the change happened (default now; the demo seed places its story in the past). */
export async function changeLifecycleStage(
  m: EntityManager,
  actor: Actor,
  input: ChangeLifecycleStageInput,
  source: StageChangeSource = 'API',
  at = new Date(),
): Promise<Contact> {
  if (!isLifecycleStage(input.stage)) throw badInput('stage', `Unknown lifecycle stage ${input.stage}`);
  if (input.reason && input.reason.length > 1000) throw badInput('reason', 'reason must be at most 1000 characters');
  const contact = await lockContact(m, actor.tenantId, input.contactId);
  return moveContact(m, actor, contact, input.stage, input.reason ?? null, source, at);
}
