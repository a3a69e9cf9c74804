import { ApiKey } from './api-key';
import { AuditEntry } from './audit-entry';

export { ApiKey, AuditEntry };
export const entities = [ApiKey, AuditEntry];
