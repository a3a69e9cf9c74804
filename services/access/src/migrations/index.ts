import { eventsMigrations } from '@crm/events';
import { ApiKeys1700000006000 } from './1700000006000-api-keys';
import { AuditEntries1700000006100 } from './1700000006100-audit-entries';

export const migrations = [...eventsMigrations, ApiKeys1700000006000, AuditEntries1700000006100];
