import type { EntityManager } from 'typeorm';
import { badInput, paginate, PageArgs, requireUuid, tenantRepository } from '@crm/service-kit';
import { Activity } from '../entities';
import type { ActivityKind } from '../domain';

/** OPEN: not completed; OVERDUE: open and due before now; UPCOMING: open and due now or later; DONE: completed. */
export type ActivityStatus = 'OPEN' | 'OVERDUE' | 'UPCOMING' | 'DONE';

const STATUS_SQL: Record<ActivityStatus, string> = {
  OPEN: 'a.completed_at IS NULL',
  OVERDUE: 'a.completed_at IS NULL AND a.due_at < :now',
  UPCOMING: 'a.completed_at IS NULL AND a.due_at >= :now',
  DONE: 'a.completed_at IS NOT NULL',
};

export interface ActivityFilter {
  ownerId?: string | null;
  status?: ActivityStatus | null;
  /** Open and due between now and now + hours (domain/activities.ts isDueWithin). */
  dueWithinHours?: number | null;
  contactId?: string | null;
  dealId?: string | null;
  kind?: ActivityKind | null;
}

export const MAX_HOURS = 24 * 366;
const HOUR_MS = 3_600_000;

function checkHours(hours: number, field: string): number {
  if (!Number.isInteger(hours) || hours < 0 || hours > MAX_HOURS)
    throw badInput(field, `${field} must be an integer from 0 to ${MAX_HOURS}`);
  return hours;
}

export function listActivities(m: EntityManager, tenantId: string, filter: ActivityFilter, page: PageArgs, now: Date) {
  const qb = tenantRepository(m, Activity, tenantId).query('a');
  if (filter.ownerId) qb.andWhere('a.owner_id = :ownerId', { ownerId: filter.ownerId });
  if (filter.contactId) qb.andWhere('a.contact_id = :contactId', { contactId: requireUuid(filter.contactId, 'filter.contactId') });
  if (filter.dealId) qb.andWhere('a.deal_id = :dealId', { dealId: requireUuid(filter.dealId, 'filter.dealId') });
  if (filter.kind) qb.andWhere('a.kind = :kind', { kind: filter.kind });
  if (filter.status) qb.andWhere(STATUS_SQL[filter.status], { now });
  if (filter.dueWithinHours !== undefined && filter.dueWithinHours !== null) {
    const hours = checkHours(filter.dueWithinHours, 'filter.dueWithinHours');
    if (filter.status === 'DONE' || filter.status === 'OVERDUE') {
      throw badInput(
        'filter.dueWithinHours',
        `dueWithinHours selects open activities not yet due; it cannot combine with ${filter.status}`,
      );
    }
    qb.andWhere('a.completed_at IS NULL AND a.due_at >= :now AND a.due_at <= :until', {
      now,
      until: new Date(now.getTime() + hours * HOUR_MS),
    });
  }
  return paginate(qb, 'a', page);
}

export const MAX_PER_PARENT = 100;

/**
 * The newest `first` activities of each contact (or deal) in `ids`, in ONE statement: a window
 * function ranks each parent's rows, and the outer query keeps the top ones (the dataloader).
 */
export async function activitiesOf(
  m: EntityManager,
  tenantId: string,
  parent: 'contact_id' | 'deal_id',
  ids: readonly string[],
  status: ActivityStatus | null,
  first: number,
  now: Date,
): Promise<Activity[]> {
  const ranked = `SELECT r.id FROM (
      SELECT a.id, row_number() OVER (PARTITION BY a.${parent} ORDER BY a.created_at DESC, a.id DESC) AS rank
        FROM activities a
       WHERE a.tenant_id = :tenantId AND a.${parent} = ANY(:ids) ${status ? `AND ${STATUS_SQL[status]}` : ''}
    ) r WHERE r.rank <= :first`;
  return tenantRepository(m, Activity, tenantId)
    .query('x')
    .andWhere(`x.id IN (${ranked})`, { tenantId, ids, first, now })
    .orderBy('x.created_at', 'DESC')
    .addOrderBy('x.id', 'DESC')
    .getMany();
}

export interface OwnerDueActivities {
  ownerId: string | null;
  total: number;
  activities: Activity[];
}

export const MAX_REMINDER_HOURS = 24 * 31;

/**
 * Reminders: open activities due in [now, now + hours], grouped per owner (earliest due first,
 * at most 100 each, with each owner's total), in one statement.
 */
export async function dueActivities(
  m: EntityManager,
  tenantId: string,
  input: { hours: number; ownerId?: string | null },
  now: Date,
): Promise<OwnerDueActivities[]> {
  if (!Number.isInteger(input.hours) || input.hours < 1 || input.hours > MAX_REMINDER_HOURS) {
    throw badInput('hours', `hours must be an integer from 1 to ${MAX_REMINDER_HOURS}`);
  }
  const rows: Array<Record<string, unknown>> = await m.query(
    `SELECT * FROM (
       SELECT a.*, row_number() OVER w AS rank, count(*) OVER (PARTITION BY a.owner_id)::int AS total
         FROM activities a
        WHERE a.tenant_id = $1 AND a.completed_at IS NULL AND a.due_at >= $2 AND a.due_at <= $3
          AND ($4::varchar IS NULL OR a.owner_id = $4)
       WINDOW w AS (PARTITION BY a.owner_id ORDER BY a.due_at, a.id)
     ) r WHERE r.rank <= $5
     ORDER BY r.owner_id COLLATE "C" NULLS LAST, r.due_at, r.id`,
    [tenantId, now, new Date(now.getTime() + input.hours * HOUR_MS), input.ownerId ?? null, MAX_PER_PARENT],
  );
  const meta = m.connection.getMetadata(Activity);
  const groups: OwnerDueActivities[] = [];
  for (const row of rows) {
    const activity = meta.create() as Activity;
    for (const column of meta.columns) (activity as unknown as Record<string, unknown>)[column.propertyName] = row[column.databaseName];
    const last = groups.at(-1);
    if (last && last.ownerId === activity.ownerId) last.activities.push(activity);
    else groups.push({ ownerId: activity.ownerId, total: row.total as number, activities: [activity] });
  }
  return groups;
}
