import { EventsMigration1700000000001 } from '@crm/events';
import { Pipelines1700000002000 } from './1700000002000-pipelines';

export const migrations = [EventsMigration1700000000001, Pipelines1700000002000];
