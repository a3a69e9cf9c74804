import { ConnectionInfo, FieldColumns, pageArgs, requireUuid, selectsNodeField, tenantRepository } from '@crm/service-kit';
import { actorOf, type LeadsContext } from '../context';
import { Company, Contact, StageChange } from '../entities';
import type { EngagementKind } from '../domain/scoring';
import { captureLead, CaptureLeadInput } from '../use-cases/capture';
import { importContacts } from '../use-cases/import';
import { changeLifecycleStage, ChangeLifecycleStageInput, lockContact } from '../use-cases/lifecycle';
import { mergeContacts } from '../use-cases/merge';
import { companiesOfPage, ContactFilter, listContacts } from '../use-cases/queries';
import { addEngagement, breakdownOf, scoreInputsOf } from '../use-cases/scoring';
import { updateContact, UpdateContactInput } from '../use-cases/update';
import { Input, write } from './common';

const contactById = (ctx: LeadsContext, id: string) =>
  tenantRepository(ctx.db.manager, Contact, ctx.tenantId).findOne({ id: requireUuid(id, 'id') });
const companyById = (ctx: LeadsContext, id: string) =>
  tenantRepository(ctx.db.manager, Company, ctx.tenantId).findOne({ id: requireUuid(id, 'id') });

const PLAIN_FIELDS = [
  'id',
  'email',
  'firstName',
  'lastName',
  'jobTitle',
  'phone',
  'source',
  'lifecycleStage',
  'score',
  'ownerId',
  'country',
  'budget',
  'churnRisk',
  'customerSince',
  'lastPurchaseAt',
  'lastEngagementAt',
  'repeatPurchases',
  'version',
  'createdAt',
  'updatedAt',
] as const;
/**
 * The columns each Contact field of a page reads (contactTypes below): a page reads only what its
 * fields need. scoreBreakdown reads the whole contact, so it is not here and a page with it reads
 * whole rows. A field added with a resolver must be added here, or it too reads whole rows.
 */
export const CONTACT_FIELD_COLUMNS: FieldColumns<Contact> = {
  ...Object.fromEntries(PLAIN_FIELDS.map((f) => [f, [f]])),
  company: ['companyId'],
  referredBy: ['referrerId'],
  referrals: ['id'],
  stageHistory: ['id'],
};

export const contactQueries = {
  contact: (_: unknown, args: { id: string }, ctx: LeadsContext) => {
    return contactById(ctx, args.id);
  },
  contacts: (_: unknown, args: { filter?: ContactFilter; first?: number; after?: string }, ctx: LeadsContext, info: ConnectionInfo) => {
    // A page that shows companies reads them with its contacts, and the loader answers from them.
    const companies = selectsNodeField(info, 'company')
      ? [companiesOfPage((c, company) => c.companyId && ctx.loaders.rememberCompany(c.companyId, company))]
      : [];
    return listContacts(ctx.db.manager, ctx.tenantId, args.filter ?? {}, pageArgs(args, info, CONTACT_FIELD_COLUMNS), companies);
  },
  company: (_: unknown, args: { id: string }, ctx: LeadsContext) => {
    return companyById(ctx, args.id);
  },
};

export const contactMutations = {
  captureLead: (_: unknown, { input }: Input<CaptureLeadInput>, ctx: LeadsContext) =>
    write(ctx, (m, actor) => captureLead(m, actor, input)),
  changeLifecycleStage: (_: unknown, { input }: Input<ChangeLifecycleStageInput>, ctx: LeadsContext) =>
    write(ctx, (m, actor) => changeLifecycleStage(m, actor, input)),
  updateContact: (_: unknown, { input }: Input<UpdateContactInput>, ctx: LeadsContext) =>
    write(ctx, (m, actor) => updateContact(m, actor, input)),
  // No outer transaction: the import commits one transaction per chunk (all-or-nothing per row).
  importContacts: (_: unknown, { input }: Input<{ csv: string }>, ctx: LeadsContext) => {
    return importContacts(ctx.db, actorOf(ctx), input.csv);
  },
  mergeContacts: (_: unknown, { input }: Input<{ primaryId: string; duplicateId: string }>, ctx: LeadsContext) =>
    write(ctx, (m, actor) => mergeContacts(m, actor, input.primaryId, input.duplicateId)),
  recordEngagement: (_: unknown, { input }: Input<{ contactId: string; kind: EngagementKind; at?: Date }>, ctx: LeadsContext) =>
    write(ctx, async (m, actor) => {
      const contact = await lockContact(m, actor.tenantId, input.contactId);
      return addEngagement(m, actor, contact, input.kind, input.at ?? new Date());
    }),
};

export const contactTypes = {
  Contact: {
    // _entities: the tenant filter applies here too, so another tenant's id resolves to null.
    __resolveReference: (ref: { id: string }, ctx: LeadsContext) => contactById(ctx, ref.id),
    company: (c: Contact, _: unknown, ctx: LeadsContext) => (c.companyId ? ctx.loaders.companyOf(c.companyId) : null),
    stageHistory: async (c: Contact, _: unknown, ctx: LeadsContext) =>
      (await ctx.loaders.stageHistory.load(c.id)).map((r: StageChange) => ({
        from: r.fromStage,
        to: r.toStage,
        at: r.at,
        reason: r.reason,
        actor: r.actor,
        source: r.source,
      })),
    referredBy: (c: Contact, _: unknown, ctx: LeadsContext) => (c.referrerId ? ctx.loaders.contact.load(c.referrerId) : null),
    referrals: (c: Contact, _: unknown, ctx: LeadsContext) => ctx.loaders.referralCount.load(c.id),
    // Batched: a page of contacts reads settings once, companies and engagements in one statement each.
    scoreBreakdown: async (c: Contact, _: unknown, ctx: LeadsContext) => {
      const [settings, company, events] = await Promise.all([
        ctx.loaders.settings.load(ctx.tenantId),
        c.companyId ? ctx.loaders.company.load(c.companyId) : null,
        ctx.loaders.engagements.load(c.id),
      ]);
      return breakdownOf(scoreInputsOf(c, company, events), settings.scoringRules);
    },
  },
  Company: {
    __resolveReference: (ref: { id: string }, ctx: LeadsContext) => companyById(ctx, ref.id),
  },
};
