import type { Deal } from '../entities';
import type { DealStatus } from '../domain';
import type { PipelineContext } from '../context';
import type { ActivityStatus } from '../use-cases/activity-queries';
import { canRead } from './common';
import { nestedFirst } from './deals';

// Contact and Company belong to leads; pipeline adds fields to them. A reference resolves to
// its id alone (no query), and every field below goes through a per-request DataLoader, so
// `_entities` for N contacts costs one SQL statement per field, never N.

type Ref = { id: string };

const filterStatus = (deals: Deal[], status: DealStatus | null | undefined) => (status ? deals.filter((d) => d.status === status) : deals);

/** Per currency, sorted by currency: amounts in different currencies are never added. */
export function openValue(deals: readonly Deal[]): Array<{ amount: number; currency: string }> {
  const sums = new Map<string, number>();
  for (const d of deals) if (d.status === 'OPEN') sums.set(d.currency, (sums.get(d.currency) ?? 0) + d.amount);
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([currency, amount]) => ({ currency, amount }));
}

export const entityTypes = {
  Contact: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    deals: async (c: Ref, args: { status?: DealStatus | null }, ctx: PipelineContext) => {
      canRead(ctx);
      return filterStatus(await ctx.loaders.dealsOfContact.load(c.id), args.status);
    },
    // From the same loaded rows as `deals`: asking for both is still one statement.
    openDealValue: async (c: Ref, _: unknown, ctx: PipelineContext) => {
      canRead(ctx);
      return openValue(await ctx.loaders.dealsOfContact.load(c.id));
    },
    activities: (c: Ref, args: { status?: ActivityStatus | null; first?: number | null }, ctx: PipelineContext) => {
      canRead(ctx);
      return ctx.loaders.activitiesOfContact.load({ id: c.id, status: args.status ?? null, first: nestedFirst(args.first) });
    },
  },
  Company: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    deals: async (c: Ref, args: { status?: DealStatus | null }, ctx: PipelineContext) => {
      canRead(ctx);
      return filterStatus(await ctx.loaders.dealsOfCompany.load(c.id), args.status);
    },
  },
};
