import type { EntityManager } from 'typeorm';
import type { AnyEvent, EventEnvelope } from '@crm/events';
import { isUuid, MAX_USER_ID_LENGTH, tenantRepository } from '@crm/service-kit';
import { Deal } from '../entities';
import { AUTO_DEAL_TITLE, DEFAULT_CURRENCY } from '../domain';
import { createDeal, lockContactDeals } from './deal-writes';
import { ensureTenantIn, loadSettings } from './provisioning';
import { defaultPipeline } from './stages';
import { rememberContact, rememberContacts, rememberMerge } from './contacts';

export type AutoDealOutcome = 'created' | 'not-sql' | 'disabled' | 'already-open' | 'invalid-contact';

/**
 * contact.lifecycle_stage_changed to SQL opens a deal in the default pipeline's first stage
 * (tenant setting autoCreateDealOnSql, on by default), unless the contact has an open deal.
 * Runs in the consumer's transaction, with the event's (consumer, id) row: once per event.
 */
export async function openDealForSqlContact(
  m: EntityManager,
  event: EventEnvelope<'contact.lifecycle_stage_changed'>,
): Promise<AutoDealOutcome> {
  if (event.data.to !== 'SQL') return 'not-sql';
  const contactId = event.aggregateId.toLowerCase();
  if (!isUuid(contactId)) return 'invalid-contact';
  const tenantId = event.tenantId;
  // leads' own event about this contact: it exists, whatever became of contact.created.
  await rememberContact(m, tenantId, contactId);
  await ensureTenantIn(m, tenantId);
  if (!(await loadSettings(m, tenantId)).autoCreateDealOnSql) return 'disabled';
  await lockContactDeals(m, tenantId, contactId);
  const open = await tenantRepository(m, Deal, tenantId).count({ contactId, status: 'OPEN' });
  if (open > 0) return 'already-open';
  const pipeline = await defaultPipeline(m, tenantId);
  // The actor (the user who qualified the contact) owns the deal; ids longer than our columns are dropped.
  const userId = event.actor && event.actor.length <= MAX_USER_ID_LENGTH ? event.actor : null;
  await createDeal(
    m,
    { tenantId, userId },
    {
      contactId,
      title: AUTO_DEAL_TITLE,
      amount: 0,
      currency: DEFAULT_CURRENCY,
      pipelineId: pipeline.id,
      kind: 'NEW_BUSINESS',
      ownerId: userId,
    },
  );
  return 'created';
}

/** contact.merged: the duplicate's deals and activities now belong to the primary. */
export async function repointMergedContact(m: EntityManager, event: EventEnvelope<'contact.merged'>): Promise<void> {
  const { primaryId, duplicateId } = event.data;
  if (!isUuid(primaryId) || !isUuid(duplicateId)) return;
  await rememberMerge(m, event.tenantId, primaryId, duplicateId);
  await m.query('UPDATE deals SET contact_id = $2, updated_at = now(), version = version + 1 WHERE tenant_id = $1 AND contact_id = $3', [
    event.tenantId,
    primaryId,
    duplicateId,
  ]);
  await m.query('UPDATE activities SET contact_id = $2, updated_at = now() WHERE tenant_id = $1 AND contact_id = $3', [
    event.tenantId,
    primaryId,
    duplicateId,
  ]);
}

/**
 * A delivered run of leads' capture events (one transaction): first every created contact
 * (deals and activities may point at it from now on) in one statement, as remembering is
 * idempotent and a merge is never inside such a run; then each stage change in order.
 */
export async function applyContactRun(m: EntityManager, events: AnyEvent[]): Promise<void> {
  const created = events.filter((e) => e.type === 'contact.created' && isUuid(e.aggregateId));
  await rememberContacts(
    m,
    created.map((e) => ({ tenantId: e.tenantId, contactId: e.aggregateId })),
  );
  for (const event of events) if (event.type === 'contact.lifecycle_stage_changed') await openDealForSqlContact(m, event);
}
