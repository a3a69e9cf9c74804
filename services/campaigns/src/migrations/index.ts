import { eventsMigrations } from '@crm/events';
import { Campaigns1700000004000 } from './1700000004000-campaigns';
import { CampaignLifecycle1700000004100 } from './1700000004100-campaign-lifecycle';

export const migrations = [...eventsMigrations, Campaigns1700000004000, CampaignLifecycle1700000004100];
