import { ConnectionInfo, selectsTotalCount } from '@crm/service-kit';
import type { TicketsContext } from '../context';
import type { TicketStatus } from '../domain';
import { nestedFirst } from '../loaders';

// Contact belongs to leads; tickets adds nullable fields to it. A reference resolves to its id
// alone (no query), and every field goes through a per-request DataLoader, so `_entities` for
// N contacts costs one statement per field, never N. All reads are on the caller's tenant.

type Ref = { id: string };

export const entityTypes = {
  Contact: {
    __resolveReference: (ref: Ref) => ({ id: ref.id }),
    tickets: (
      c: Ref,
      args: { first?: number | null; after?: string | null; status?: TicketStatus | null },
      ctx: TicketsContext,
      info: ConnectionInfo,
    ) => {
      return ctx.loaders.ticketsOfContact.load({
        contactId: c.id,
        status: args.status ?? null,
        first: nestedFirst(args.first),
        after: args.after ?? null,
        countWithPage: selectsTotalCount(info),
      });
    },
    latestNps: (c: Ref, _: unknown, ctx: TicketsContext) => {
      return ctx.loaders.latestNps.load(c.id);
    },
    openTicketCount: (c: Ref, _: unknown, ctx: TicketsContext) => {
      return ctx.loaders.ticketCount.load({ contactId: c.id, status: 'OPEN_SET' });
    },
  },
};
