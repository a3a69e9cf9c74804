import { eventsMigrations } from '@crm/events';
import { Pipelines1700000002000 } from './1700000002000-pipelines';
import { Deals1700000002100 } from './1700000002100-deals';
import { Activities1700000002200 } from './1700000002200-activities';
import { UserIdWidth1700000002300 } from './1700000002300-user-id-width';
import { ContactReplicas1700000002400 } from './1700000002400-contact-replicas';
import { SafeIntAmounts1700000002500 } from './1700000002500-safe-int-amounts';

/** In order; the kit adds its own tables first. */
export const migrations = [
  ...eventsMigrations,
  Pipelines1700000002000,
  Deals1700000002100,
  Activities1700000002200,
  UserIdWidth1700000002300,
  ContactReplicas1700000002400,
  SafeIntAmounts1700000002500,
];
