import { EventsMigration1700000000001 } from '@crm/events';
import { ApiKeys1700000006000 } from './1700000006000-api-keys';

export const migrations = [EventsMigration1700000000001, ApiKeys1700000006000];
