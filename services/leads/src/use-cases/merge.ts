import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { badInput, notFound, requireUuid, type Actor } from '@crm/service-kit';
import { Contact } from '../entities';
import { mergeDuplicateInto } from '../domain/dedupe';
import { rescore } from './scoring';
import { repointSideRecords } from './contact-records';

const FILLABLE = ['firstName', 'lastName', 'jobTitle', 'phone', 'companyId', 'source', 'ownerId', 'budget', 'country'] as const;
const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);
const earlier = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a < b ? a : b);

/**
 * mergeContacts: the primary keeps its id and its lifecycle stage; its empty fields are filled
 * from the duplicate; histories, touches, engagements and deals are combined; the duplicate is
 * deleted; `contact.merged` tells the other services to re-point their references.
 */
export async function mergeContacts(m: EntityManager, actor: Actor, primaryId: string, duplicateId: string): Promise<Contact> {
  requireUuid(primaryId, 'primaryId');
  requireUuid(duplicateId, 'duplicateId');
  if (primaryId.toLowerCase() === duplicateId.toLowerCase()) throw badInput('duplicateId', 'A contact cannot be merged into itself');
  // Lock both rows in id order, so two opposite merges cannot deadlock.
  const locked = await m.getRepository(Contact).find({
    where: [
      { tenantId: actor.tenantId, id: primaryId },
      { tenantId: actor.tenantId, id: duplicateId },
    ],
    order: { id: 'ASC' },
    lock: { mode: 'pessimistic_write' },
  });
  const primary = locked.find((c) => c.id === primaryId.toLowerCase());
  const duplicate = locked.find((c) => c.id === duplicateId.toLowerCase());
  if (!primary) throw notFound('Contact', primaryId, 'primaryId');
  if (!duplicate) throw notFound('Contact', duplicateId, 'duplicateId');

  const { merged, changedFields } = mergeDuplicateInto(primary, duplicate, FILLABLE);
  Object.assign(primary, merged);
  primary.lastPurchaseAt = later(primary.lastPurchaseAt, duplicate.lastPurchaseAt);
  primary.lastEngagementAt = later(primary.lastEngagementAt, duplicate.lastEngagementAt);
  primary.customerSince = earlier(primary.customerSince, duplicate.customerSince);
  primary.repeatPurchases += duplicate.repeatPurchases;
  primary.churnRisk = primary.churnRisk || duplicate.churnRisk;

  // Referrals follow the merge: the duplicate's referrer if the primary had none, its referrals to the primary.
  primary.referrerId ??= duplicate.referrerId;
  if (primary.referrerId === duplicate.id || primary.referrerId === primary.id) primary.referrerId = null;
  await m.query('UPDATE contacts SET referrer_id = $2 WHERE tenant_id = $1 AND referrer_id = $3 AND id <> $2', [
    actor.tenantId,
    primary.id,
    duplicate.id,
  ]);
  await repointSideRecords(m, actor.tenantId, primary.id, duplicate.id);
  await m.delete(Contact, { id: duplicate.id, tenantId: actor.tenantId });
  let saved = await m.save(primary);
  await emit(m, {
    type: 'contact.merged',
    tenantId: actor.tenantId,
    aggregateId: primary.id,
    actor: actor.userId,
    data: { primaryId: primary.id, duplicateId: duplicate.id },
  });
  if (changedFields.length) {
    await emit(m, {
      type: 'contact.updated',
      tenantId: actor.tenantId,
      aggregateId: primary.id,
      actor: actor.userId,
      data: { changedFields: changedFields.map(String), values: Object.fromEntries(changedFields.map((f) => [f, primary[f]])) },
    });
  }
  saved = await rescore(m, actor, saved);
  return saved;
}
