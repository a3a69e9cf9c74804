import type { LeadSettings } from '../entities';
import type { LeadsContext } from '../context';
import { loadSettings, updateLeadSettings, UpdateLeadSettingsInput } from '../use-cases/settings';
import { Input, write } from './common';

const settingsView = (s: LeadSettings) => ({ ...s, mqlThreshold: s.scoringRules.mqlThreshold });

export const settingsQueries = {
  leadSettings: async (_: unknown, __: unknown, ctx: LeadsContext) => {
    return settingsView(await loadSettings(ctx.db.manager, ctx.tenantId));
  },
};

export const settingsMutations = {
  updateLeadSettings: async (_: unknown, { input }: Input<UpdateLeadSettingsInput>, ctx: LeadsContext) =>
    settingsView(await write(ctx, (m) => updateLeadSettings(m, ctx.tenantId, input))),
};
