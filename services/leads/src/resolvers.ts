import { authorize, DateTime, JSONScalar, requireUuid, Resolvers, tenantRepository, type Actor } from '@crm/service-kit';
import type { LeadsContext } from './service';
import { Company, Contact, LeadSettings, StageChange } from './entities';
import type { EngagementKind } from './domain/scoring';
import { captureLead, CaptureLeadInput } from './use-cases/capture';
import { importContacts } from './use-cases/import';
import { changeLifecycleStage, ChangeLifecycleStageInput, lockContact } from './use-cases/lifecycle';
import { mergeContacts } from './use-cases/merge';
import { ContactFilter, listContacts } from './use-cases/queries';
import { addEngagement, scoreBreakdown } from './use-cases/scoring';
import { loadSettings, updateLeadSettings, UpdateLeadSettingsInput } from './use-cases/settings';
import { updateContact, UpdateContactInput } from './use-cases/update';

const READ = ['sales', 'marketing', 'support', 'analyst'] as const;
const WRITE = ['sales', 'marketing'] as const;
const actorOf = (ctx: LeadsContext): Actor => ({ tenantId: ctx.tenantId, userId: ctx.userId });
const contactById = (ctx: LeadsContext, id: string) => tenantRepository(ctx.db.manager, Contact, ctx.tenantId).findOne({ id: requireUuid(id, 'id') });
const settingsView = (s: LeadSettings) => ({ ...s, mqlThreshold: s.scoringRules.mqlThreshold });

export const resolvers: Resolvers<LeadsContext> = {
  DateTime,
  JSON: JSONScalar,
  Query: {
    contact: (_: unknown, args: { id: string }, ctx: LeadsContext) => {
      authorize(ctx.identity, READ, 'contacts:read');
      return contactById(ctx, args.id);
    },
    contacts: (_: unknown, args: { filter?: ContactFilter; first?: number; after?: string }, ctx: LeadsContext) => {
      authorize(ctx.identity, READ, 'contacts:read');
      return listContacts(ctx.db.manager, ctx.tenantId, args.filter ?? {}, args);
    },
    company: (_: unknown, args: { id: string }, ctx: LeadsContext) => {
      authorize(ctx.identity, READ, 'contacts:read');
      return tenantRepository(ctx.db.manager, Company, ctx.tenantId).findOne({ id: requireUuid(args.id, 'id') });
    },
    leadSettings: async (_: unknown, __: unknown, ctx: LeadsContext) => {
      authorize(ctx.identity, READ, 'contacts:read');
      return settingsView(await loadSettings(ctx.db.manager, ctx.tenantId));
    },
  },
  Mutation: {
    captureLead: (_: unknown, args: { input: CaptureLeadInput }, ctx: LeadsContext) => {
      authorize(ctx.identity, WRITE, 'contacts:write');
      return ctx.db.transaction((m) => captureLead(m, actorOf(ctx), args.input));
    },
    changeLifecycleStage: (_: unknown, args: { input: ChangeLifecycleStageInput }, ctx: LeadsContext) => {
      authorize(ctx.identity, WRITE, 'contacts:write');
      return ctx.db.transaction((m) => changeLifecycleStage(m, actorOf(ctx), args.input));
    },
    updateContact: (_: unknown, args: { input: UpdateContactInput }, ctx: LeadsContext) => {
      authorize(ctx.identity, WRITE, 'contacts:write');
      return ctx.db.transaction((m) => updateContact(m, actorOf(ctx), args.input));
    },
    // No outer transaction: the import commits one transaction per chunk (all-or-nothing per row).
    importContacts: (_: unknown, args: { input: { csv: string } }, ctx: LeadsContext) => {
      authorize(ctx.identity, WRITE, 'contacts:write');
      return importContacts(ctx.db, actorOf(ctx), args.input.csv);
    },
    mergeContacts: (_: unknown, args: { input: { primaryId: string; duplicateId: string } }, ctx: LeadsContext) => {
      authorize(ctx.identity, WRITE, 'contacts:write');
      return ctx.db.transaction((m) => mergeContacts(m, actorOf(ctx), args.input.primaryId, args.input.duplicateId));
    },
    recordEngagement: (_: unknown, args: { input: { contactId: string; kind: EngagementKind; at?: Date } }, ctx: LeadsContext) => {
      authorize(ctx.identity, WRITE, 'contacts:write');
      return ctx.db.transaction(async (m) => {
        const contact = await lockContact(m, ctx.tenantId, args.input.contactId);
        return addEngagement(m, actorOf(ctx), contact, args.input.kind, args.input.at ?? new Date());
      });
    },
    updateLeadSettings: async (_: unknown, args: { input: UpdateLeadSettingsInput }, ctx: LeadsContext) => {
      authorize(ctx.identity, [], 'settings:write'); // admins only
      return settingsView(await ctx.db.transaction((m) => updateLeadSettings(m, ctx.tenantId, args.input)));
    },
  },
  Contact: {
    // _entities: the tenant filter applies here too, so another tenant's id resolves to null.
    __resolveReference: (ref: { id: string }, ctx: LeadsContext) => contactById(ctx, ref.id),
    company: (c: Contact, _: unknown, ctx: LeadsContext) => (c.companyId ? ctx.loaders.company.load(c.companyId) : null),
    stageHistory: async (c: Contact, _: unknown, ctx: LeadsContext) =>
      (await ctx.loaders.stageHistory.load(c.id)).map((r: StageChange) => ({
        from: r.fromStage, to: r.toStage, at: r.at, reason: r.reason, actor: r.actor, source: r.source,
      })),
    scoreBreakdown: async (c: Contact, _: unknown, ctx: LeadsContext) =>
      scoreBreakdown(ctx.db.manager, c, (await loadSettings(ctx.db.manager, ctx.tenantId)).scoringRules),
  },
  Company: {
    __resolveReference: (ref: { id: string }, ctx: LeadsContext) =>
      tenantRepository(ctx.db.manager, Company, ctx.tenantId).findOne({ id: requireUuid(ref.id, 'id') }),
  },
};
