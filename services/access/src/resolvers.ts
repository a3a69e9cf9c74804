import { DateTime, Resolvers, connectionFields } from '@crm/service-kit';
import type { AccessContext } from './context';
import { apiKeyMutations, apiKeyQueries } from './graph/api-keys';
import { auditQueries } from './graph/audit';

/** Thin: parse, call a use case (src/use-cases), map; the role matrix is the SDL's @access. */
export const resolvers: Resolvers<AccessContext> = {
  DateTime,
  Query: { ...apiKeyQueries, ...auditQueries },
  Mutation: { ...apiKeyMutations },
  AuditEntryConnection: connectionFields,
  AuditEntry: { at: (e: { createdAt: Date }) => e.createdAt },
} as Resolvers<AccessContext>;
