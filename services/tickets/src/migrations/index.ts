import { eventsMigrations } from '@crm/events';
import { SlaPolicies1700000003000 } from './1700000003000-sla-policies';
import { Tickets1700000003100 } from './1700000003100-tickets';

/** In order; the kit adds its own tables first. */
export const migrations = [...eventsMigrations, SlaPolicies1700000003000, Tickets1700000003100];
