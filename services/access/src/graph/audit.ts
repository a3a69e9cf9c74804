import { ConnectionInfo, PageArgs, pageArgs } from '@crm/service-kit';
import type { AccessContext } from '../context';
import { AuditFilter, listAuditEntries } from '../use-cases/audit';

export const auditQueries = {
  auditLog: (_: unknown, args: { filter?: AuditFilter | null } & PageArgs, ctx: AccessContext, info: ConnectionInfo) =>
    listAuditEntries(ctx.db.manager, ctx.tenantId, args.filter ?? {}, pageArgs(args, info)),
};
