import { badInput, characterLength, MAX_USER_ID_LENGTH, requireUuid } from '@crm/service-kit';
import type { AnalyticsContext } from '../context';
import { countsForEveryStage } from '../domain/stages';
import { lifecycleFunnel } from '../use-cases/funnel';
import { pipelineReport } from '../use-cases/pipeline-report';
import { supportReport } from '../use-cases/support-report';
import { retentionReport } from '../use-cases/retention-report';

type Input<T> = { input: T };
interface Period {
  from: Date;
  to: Date;
}

function period(input: Period): Period {
  if (input.to.getTime() <= input.from.getTime()) throw badInput('to', 'to must be after from');
  return { from: input.from, to: input.to };
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (value.trim() === '' || characterLength(value) > max) throw badInput(field, `${field} must be 1 to ${max} characters`);
  return value;
}

export const reportQueries = {
  contactsByStage: async (_: unknown, __: unknown, ctx: AnalyticsContext) => {
    const rows = await ctx.db.query('SELECT stage, count(*)::int AS contacts FROM contact_stages WHERE tenant_id = $1 GROUP BY stage', [
      ctx.tenantId,
    ]);
    return countsForEveryStage(rows);
  },
  lifecycleFunnel: async (
    _: unknown,
    { input }: Input<Period & { source?: string; capturedFrom?: Date; capturedTo?: Date }>,
    ctx: AnalyticsContext,
  ) => {
    if (input.capturedFrom && input.capturedTo && input.capturedTo <= input.capturedFrom)
      throw badInput('capturedTo', 'capturedTo must be after capturedFrom');
    const stages = await lifecycleFunnel(ctx.db.manager, {
      tenantId: ctx.tenantId,
      ...period(input),
      source: optionalText(input.source, 'source', 100),
      capturedFrom: input.capturedFrom,
      capturedTo: input.capturedTo,
    });
    return { stages };
  },
  pipelineReport: async (
    _: unknown,
    { input }: Input<Period & { currency?: string; pipelineId?: string; ownerId?: string }>,
    ctx: AnalyticsContext,
  ) => {
    return pipelineReport(ctx.db.manager, {
      tenantId: ctx.tenantId,
      ...period(input),
      currency: input.currency,
      pipelineId: input.pipelineId ? requireUuid(input.pipelineId, 'pipelineId') : null,
      ownerId: optionalText(input.ownerId, 'ownerId', MAX_USER_ID_LENGTH),
    });
  },
  supportReport: async (_: unknown, { input }: Input<Period>, ctx: AnalyticsContext) => {
    return supportReport(ctx.db.manager, { tenantId: ctx.tenantId, ...period(input) });
  },
  retentionReport: async (_: unknown, { input }: Input<Period & { currency?: string }>, ctx: AnalyticsContext) => {
    return retentionReport(ctx.db.manager, { tenantId: ctx.tenantId, ...period(input), currency: input.currency });
  },
};
