import { eventsMigrations } from '@crm/events';
import { ContactStages1700000005000 } from './1700000005000-contact-stages';
import { ReadModels1700000005100 } from './1700000005100-read-models';

export { READ_MODEL_TABLES } from './1700000005100-read-models';
export const migrations = [...eventsMigrations, ContactStages1700000005000, ReadModels1700000005100];
