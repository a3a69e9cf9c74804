import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import {
  badInput,
  characterLength,
  conflict,
  MAX_USER_ID_LENGTH,
  notFound,
  requireUuid,
  tenantRepository,
  type Actor,
} from '@crm/service-kit';
import { requireKnownContact } from './contacts';
import { Activity, Deal } from '../entities';
import { type ActivityKind, validateActivity } from '../domain';
import { unwrap } from './stages';

export const MAX_ACTIVITY_BODY_LENGTH = 10_000;

export interface CreateActivityInput {
  kind: ActivityKind;
  subject: string;
  body?: string | null;
  dueAt?: Date | null;
  ownerId?: string | null;
  contactId?: string | null;
  dealId?: string | null;
  /** Log something already done (a call made, an email sent). A note is always done. */
  done?: boolean | null;
}

async function markDone(m: EntityManager, actor: Actor, activity: Activity, emitEvent: boolean): Promise<Activity> {
  activity.completedAt = new Date();
  activity.completedBy = actor.userId;
  const saved = await tenantRepository(m, Activity, actor.tenantId).save(activity);
  if (emitEvent) {
    await emit(m, {
      type: 'activity.completed',
      tenantId: actor.tenantId,
      aggregateId: saved.id,
      actor: actor.userId,
      occurredAt: saved.completedAt!,
      data: { kind: saved.kind, contactId: saved.contactId, dealId: saved.dealId, ownerId: saved.ownerId },
    });
  }
  return saved;
}

/**
 * createActivity: on a contact, a deal, or both (a deal's activity is also its contact's).
 * A note records something: it is done when written and emits nothing; any other kind
 * created with `done` emits activity.completed like completeActivity.
 */
export async function createActivity(m: EntityManager, actor: Actor, input: CreateActivityInput): Promise<Activity> {
  const valid = unwrap(validateActivity(input));
  let contactId = valid.contactId ? requireUuid(valid.contactId, 'contactId') : null;
  const dealId = valid.dealId ? requireUuid(valid.dealId, 'dealId') : null;
  if (input.body && characterLength(input.body.trim()) > MAX_ACTIVITY_BODY_LENGTH) {
    throw badInput('body', `body must be at most ${MAX_ACTIVITY_BODY_LENGTH} characters`);
  }
  const ownerId = input.ownerId === undefined ? actor.userId : input.ownerId?.trim() || null;
  if (ownerId && characterLength(ownerId) > MAX_USER_ID_LENGTH)
    throw badInput('ownerId', `ownerId must be at most ${MAX_USER_ID_LENGTH} characters`);
  if (dealId) {
    const deal = await tenantRepository(m, Deal, actor.tenantId).findOne({ id: dealId });
    if (!deal) throw notFound('Deal', dealId, 'dealId');
    if (contactId && contactId !== deal.contactId) throw badInput('contactId', "contactId is not the deal's contact");
    contactId = deal.contactId;
  } else if (contactId) {
    await requireKnownContact(m, actor.tenantId, contactId);
  }
  const repo = tenantRepository(m, Activity, actor.tenantId);
  const activity = await repo.save(
    repo.create({
      kind: valid.kind,
      subject: valid.subject,
      body: input.body?.trim() || null,
      dueAt: valid.dueAt,
      ownerId,
      contactId,
      dealId,
      completedAt: null,
      completedBy: null,
    }),
  );
  if (valid.kind === 'NOTE') return markDone(m, actor, activity, false);
  if (input.done) return markDone(m, actor, activity, true);
  return activity;
}

/** completeActivity: once; emits activity.completed in the same transaction. */
export async function completeActivity(m: EntityManager, actor: Actor, input: { activityId: string }): Promise<Activity> {
  const activity = await tenantRepository(m, Activity, actor.tenantId).findOneForUpdate({
    id: requireUuid(input.activityId, 'activityId'),
  });
  if (!activity) throw notFound('Activity', input.activityId);
  if (activity.completedAt) throw conflict('Activity is already completed');
  return markDone(m, actor, activity, true);
}
