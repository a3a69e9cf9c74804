import type { DealStatus } from '../domain';
import type { PipelineContext } from '../context';
import type { ActivityStatus } from '../use-cases/activity-queries';
import { nestedFirst } from './deals';

// Contact and Company belong to leads; pipeline adds fields to them. A reference resolves to
// its id alone (no query), and every field below goes through a per-request DataLoader, so
// `_entities` for N contacts costs one SQL statement per field, never N.

type Ref = { id: string };

type DealListArgs = { status?: DealStatus | null; first?: number | null };
const dealList = (id: string, args: DealListArgs) => ({ id, status: args.status ?? null, first: nestedFirst(args.first) });

export const entityTypes = {
  Contact: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    deals: (c: Ref, args: DealListArgs, ctx: PipelineContext) => {
      return ctx.loaders.dealsOfContact.load(dealList(c.id, args));
    },
    // Summed in SQL over every open deal (not only the listed page).
    openDealValue: (c: Ref, _: unknown, ctx: PipelineContext) => {
      return ctx.loaders.openValueOfContact.load(c.id);
    },
    activities: (c: Ref, args: { status?: ActivityStatus | null; first?: number | null }, ctx: PipelineContext) => {
      return ctx.loaders.activitiesOfContact.load({ id: c.id, status: args.status ?? null, first: nestedFirst(args.first) });
    },
  },
  Company: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    deals: (c: Ref, args: DealListArgs, ctx: PipelineContext) => {
      return ctx.loaders.dealsOfCompany.load(dealList(c.id, args));
    },
  },
};
