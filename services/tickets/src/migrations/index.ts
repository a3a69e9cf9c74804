import { EventsMigration1700000000001 } from '@crm/events';
import { SlaPolicies1700000003000 } from './1700000003000-sla-policies';

export const migrations = [EventsMigration1700000000001, SlaPolicies1700000003000];
