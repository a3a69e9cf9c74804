import { authorize, DateTime, requireUuid, Resolvers, tenantRepository } from '@crm/service-kit';
import type { LeadsContext } from './service';
import { Company, Contact, StageChange } from './entities';
import { captureLead, CaptureLeadInput } from './use-cases/capture';
import { changeLifecycleStage, ChangeLifecycleStageInput } from './use-cases/lifecycle';
import { ContactFilter, listContacts } from './use-cases/queries';

const READ = ['sales', 'marketing', 'support', 'analyst'] as const;
const WRITE = ['sales', 'marketing'] as const;

export const resolvers: Resolvers<LeadsContext> = {
  DateTime,
  Query: {
    contact: (_: unknown, args: { id: string }, ctx: LeadsContext) => {
      authorize(ctx.identity, READ, 'contacts:read');
      return tenantRepository(ctx.db.manager, Contact, ctx.tenantId).findOne({ id: requireUuid(args.id, 'id') });
    },
    contacts: (_: unknown, args: { filter?: ContactFilter; first?: number; after?: string }, ctx: LeadsContext) => {
      authorize(ctx.identity, READ, 'contacts:read');
      return listContacts(ctx.db.manager, ctx.tenantId, args.filter ?? {}, args);
    },
    company: (_: unknown, args: { id: string }, ctx: LeadsContext) => {
      authorize(ctx.identity, READ, 'contacts:read');
      return tenantRepository(ctx.db.manager, Company, ctx.tenantId).findOne({ id: requireUuid(args.id, 'id') });
    },
  },
  Mutation: {
    captureLead: (_: unknown, args: { input: CaptureLeadInput }, ctx: LeadsContext) => {
      authorize(ctx.identity, WRITE, 'contacts:write');
      return ctx.db.transaction((m) => captureLead(m, { tenantId: ctx.tenantId, userId: ctx.userId }, args.input));
    },
    changeLifecycleStage: (_: unknown, args: { input: ChangeLifecycleStageInput }, ctx: LeadsContext) => {
      authorize(ctx.identity, WRITE, 'contacts:write');
      return ctx.db.transaction((m) => changeLifecycleStage(m, { tenantId: ctx.tenantId, userId: ctx.userId }, args.input));
    },
  },
  Contact: {
    // _entities: the tenant filter applies here too, so another tenant's id resolves to null.
    __resolveReference: (ref: { id: string }, ctx: LeadsContext) =>
      tenantRepository(ctx.db.manager, Contact, ctx.tenantId).findOne({ id: requireUuid(ref.id, 'id') }),
    company: (c: Contact, _: unknown, ctx: LeadsContext) =>
      c.companyId ? tenantRepository(ctx.db.manager, Company, ctx.tenantId).findOne({ id: c.companyId }) : null,
    stageHistory: (c: Contact, _: unknown, ctx: LeadsContext) =>
      tenantRepository(ctx.db.manager, StageChange, ctx.tenantId)
        .find({ where: { contactId: c.id }, order: { seq: 'ASC' } })
        .then((rows) => rows.map((r) => ({ from: r.fromStage, to: r.toStage, at: r.at, reason: r.reason, actor: r.actor, source: r.source }))),
  },
  Company: {
    __resolveReference: (ref: { id: string }, ctx: LeadsContext) =>
      tenantRepository(ctx.db.manager, Company, ctx.tenantId).findOne({ id: requireUuid(ref.id, 'id') }),
  },
};

