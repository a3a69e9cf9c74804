import { eventsMigrations } from '@crm/events';
import { Contacts1700000001000 } from './1700000001000-contacts';
import { LifecycleRules1700000001100 } from './1700000001100-lifecycle-rules';
import { ContactSearch1700000001200 } from './1700000001200-contact-search';
import { Referrals1700000001300 } from './1700000001300-referrals';

/** In order; the kit adds its own tables first. */
export const migrations = [
  ...eventsMigrations,
  Contacts1700000001000,
  LifecycleRules1700000001100,
  ContactSearch1700000001200,
  Referrals1700000001300,
];
