import { EventsMigration1700000000001 } from '@crm/events';
import { Campaigns1700000004000 } from './1700000004000-campaigns';

export const migrations = [EventsMigration1700000000001, Campaigns1700000004000];
