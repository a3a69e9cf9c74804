import type { TicketsContext } from '../context';
import { BusinessCalendar, formatClock } from '../domain';
import { Input, write } from './common';
import {
  listSlaPolicies,
  loadCalendar,
  loadTicketSettings,
  updateBusinessHours,
  UpdateBusinessHoursInput,
  updateSlaPolicy,
  UpdateSlaPolicyInput,
  updateTicketSettings,
} from '../use-cases/settings';

const hoursView = (c: BusinessCalendar) => ({
  weekdays: c.weekdays,
  opensAt: formatClock(c.opensAtMinute),
  closesAt: formatClock(c.closesAtMinute),
  timeZone: c.timeZone,
  holidays: c.holidays,
});

export const settingsQueries = {
  slaPolicies: (_: unknown, __: unknown, ctx: TicketsContext) => {
    return listSlaPolicies(ctx.db.manager, ctx.tenantId);
  },
  businessHours: async (_: unknown, __: unknown, ctx: TicketsContext) => {
    return hoursView(await loadCalendar(ctx.db.manager, ctx.tenantId));
  },
  ticketSettings: (_: unknown, __: unknown, ctx: TicketsContext) => {
    return loadTicketSettings(ctx.db.manager, ctx.tenantId);
  },
};

export const settingsMutations = {
  updateSlaPolicy: (_: unknown, { input }: Input<UpdateSlaPolicyInput>, ctx: TicketsContext) =>
    write(ctx, (m, actor) => updateSlaPolicy(m, actor.tenantId, input)),
  updateBusinessHours: async (_: unknown, { input }: Input<UpdateBusinessHoursInput>, ctx: TicketsContext) =>
    hoursView(await write(ctx, (m, actor) => updateBusinessHours(m, actor.tenantId, input))),
  updateTicketSettings: (_: unknown, { input }: Input<{ supportAgentIds?: string[] | null }>, ctx: TicketsContext) =>
    write(ctx, (m, actor) => updateTicketSettings(m, actor.tenantId, input)),
};
