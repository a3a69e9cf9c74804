import { EventsMigration1700000000001 } from '@crm/events';
import { ContactStages1700000005000 } from './1700000005000-contact-stages';

export const migrations = [EventsMigration1700000000001, ContactStages1700000005000];
