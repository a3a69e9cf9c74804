import { ConnectionInfo, PageArgs, pageArgs, requireUuid, tenantRepository } from '@crm/service-kit';
import { Activity } from '../entities';
import { activityTiming } from '../domain';
import type { PipelineContext } from '../context';
import { Input, write } from './common';
import { completeActivity, createActivity, CreateActivityInput } from '../use-cases/activities';
import { awaitKnownContact } from '../use-cases/contacts';
import { ActivityFilter, dueActivities, listActivities } from '../use-cases/activity-queries';

export const activityQueries = {
  activity: (_: unknown, args: { id: string }, ctx: PipelineContext) => {
    return tenantRepository(ctx.db.manager, Activity, ctx.tenantId).findOne({ id: requireUuid(args.id, 'id') });
  },
  activities: (_: unknown, args: { filter?: ActivityFilter | null } & PageArgs, ctx: PipelineContext, info: ConnectionInfo) => {
    return listActivities(ctx.db.manager, ctx.tenantId, args.filter ?? {}, pageArgs(args, info), new Date());
  },
  dueActivities: (_: unknown, { input }: Input<{ hours: number; ownerId?: string | null }>, ctx: PipelineContext) => {
    return dueActivities(ctx.db.manager, ctx.tenantId, input, new Date());
  },
};

export const activityMutations = {
  createActivity: async (_: unknown, { input }: Input<CreateActivityInput>, ctx: PipelineContext) => {
    await awaitKnownContact(ctx.db.manager, ctx.tenantId, input.contactId);
    return write(ctx, (m, actor) => createActivity(m, actor, input));
  },
  completeActivity: (_: unknown, { input }: Input<{ activityId: string }>, ctx: PipelineContext) =>
    write(ctx, (m, actor) => completeActivity(m, actor, input)),
};

export const activityTypes = {
  Activity: {
    contact: (a: Activity) => (a.contactId ? { __typename: 'Contact', id: a.contactId } : null),
    deal: (a: Activity, _: unknown, ctx: PipelineContext) => (a.dealId ? ctx.loaders.deal.load(a.dealId) : null),
    timing: (a: Activity) => activityTiming(a, new Date()),
  },
};
