import { badInput, ConnectionInfo, connectionFields, PageArgs, pageArgs, requireUuid } from '@crm/service-kit';
import type { Deal, DealStageChange } from '../entities';
import { weightedAmount } from '../domain';
import type { PipelineContext } from '../context';
import { Input, write } from './common';
import { awaitKnownContact } from '../use-cases/contacts';
import { createDeal, CreateDealInput, moveDealStage, updateDeal, UpdateDealInput } from '../use-cases/deal-writes';
import { loseDeal, reopenDeal, winDeal } from '../use-cases/deal-closing';
import { DealFilter, DealList, listDeals, stageTotals, StageTotal } from '../use-cases/deal-queries';
import { forecast, ForecastQueryInput } from '../use-cases/forecast';
import type { ActivityStatus } from '../use-cases/activity-queries';
import { MAX_PER_PARENT } from '../use-cases/activity-queries';

export const dealQueries = {
  deal: async (_: unknown, args: { id: string }, ctx: PipelineContext) => {
    return ctx.loaders.deal.load(requireUuid(args.id, 'id'));
  },
  deals: (_: unknown, args: { filter?: DealFilter | null } & PageArgs, ctx: PipelineContext, info: ConnectionInfo) => {
    return listDeals(ctx.db.manager, ctx.tenantId, args.filter ?? {}, pageArgs(args, info));
  },
  forecast: async (_: unknown, { input }: Input<ForecastQueryInput>, ctx: PipelineContext) => {
    const result = await forecast(ctx.db.manager, ctx.tenantId, input);
    const stageId = (key: string) => (input.groupBy === 'STAGE' ? key : null);
    return { ...result, groups: result.groups.map((g) => ({ ...g, stageId: stageId(g.key) })) };
  },
};

export const dealMutations = {
  createDeal: async (_: unknown, { input }: Input<CreateDealInput>, ctx: PipelineContext) => {
    await awaitKnownContact(ctx.db.manager, ctx.tenantId, input.contactId);
    return write(ctx, (m, actor) => createDeal(m, actor, input));
  },
  updateDeal: (_: unknown, { input }: Input<UpdateDealInput>, ctx: PipelineContext) =>
    write(ctx, (m, actor) => updateDeal(m, actor, input)),
  moveDealStage: (_: unknown, { input }: Input<{ dealId: string; stageId: string; probability?: number | null }>, ctx: PipelineContext) =>
    write(ctx, (m, actor) => moveDealStage(m, actor, input)),
  winDeal: (_: unknown, { input }: Input<{ dealId: string }>, ctx: PipelineContext) => write(ctx, (m, actor) => winDeal(m, actor, input)),
  loseDeal: (_: unknown, { input }: Input<{ dealId: string; reason: string }>, ctx: PipelineContext) =>
    write(ctx, (m, actor) => loseDeal(m, actor, input)),
  reopenDeal: (_: unknown, { input }: Input<{ dealId: string; stageId?: string | null }>, ctx: PipelineContext) =>
    write(ctx, (m, actor) => reopenDeal(m, actor, input)),
};

/** `first` of a nested activities list: 1..100. */
export function nestedFirst(first: number | null | undefined): number {
  const n = first ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PER_PARENT) throw badInput('first', `first must be between 1 and ${MAX_PER_PARENT}`);
  return n;
}

const stageOf = (ctx: PipelineContext, id: string) => ctx.loaders.stage.load(id);

export const dealTypes = {
  Deal: {
    __resolveReference: (ref: { id: string }, ctx: PipelineContext) => {
      return ctx.loaders.deal.load(ref.id);
    },
    weightedAmount: (d: Deal) => weightedAmount(d.amount, d.probability),
    pipeline: (d: Deal, _: unknown, ctx: PipelineContext) => ctx.loaders.pipeline.load(d.pipelineId),
    stage: (d: Deal, _: unknown, ctx: PipelineContext) => stageOf(ctx, d.stageId),
    contact: (d: Deal) => ({ __typename: 'Contact', id: d.contactId }),
    company: (d: Deal) => (d.companyId ? { __typename: 'Company', id: d.companyId } : null),
    history: (d: Deal, _: unknown, ctx: PipelineContext) => ctx.loaders.history.load(d.id),
    activities: (d: Deal, args: { status?: ActivityStatus | null; first?: number | null }, ctx: PipelineContext) =>
      ctx.loaders.activitiesOfDeal.load({ id: d.id, status: args.status ?? null, first: nestedFirst(args.first) }),
  },
  DealStageChange: {
    from: (h: DealStageChange, _: unknown, ctx: PipelineContext) => (h.fromStageId ? stageOf(ctx, h.fromStageId) : null),
    to: (h: DealStageChange, _: unknown, ctx: PipelineContext) => stageOf(ctx, h.toStageId),
  },
  DealConnection: {
    ...connectionFields,
    byStage: (list: DealList, _: unknown, ctx: PipelineContext) => stageTotals(ctx.db.manager, ctx.tenantId, list.filter),
  },
  StageTotal: {
    stage: (t: StageTotal, _: unknown, ctx: PipelineContext) => stageOf(ctx, t.stageId),
  },
  ForecastGroup: {
    stage: (g: { stageId: string | null }, _: unknown, ctx: PipelineContext) => (g.stageId ? stageOf(ctx, g.stageId) : null),
  },
};
