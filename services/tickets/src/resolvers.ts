import { authorize, Resolvers, tenantRepository } from '@crm/service-kit';
import type { TicketsContext } from './service';
import { SlaPolicy } from './entities';
import { TICKET_PRIORITIES } from './domain/sla';

export const resolvers: Resolvers<TicketsContext> = {
  Query: {
    slaPolicies: async (_: unknown, __: unknown, ctx: TicketsContext) => {
      authorize(ctx.identity, ['support', 'analyst'], 'tickets:read');
      const rows = await tenantRepository(ctx.db.manager, SlaPolicy, ctx.tenantId).find();
      return rows.sort((a, b) => TICKET_PRIORITIES.indexOf(b.priority as never) - TICKET_PRIORITIES.indexOf(a.priority as never));
    },
  },
};
