import { Company } from './company';
import { Contact } from './contact';
import { LeadSettings } from './lead-settings';
import { StageChange } from './stage-change';

export { Company, Contact, LeadSettings, StageChange };
export const entities = [Contact, Company, StageChange, LeadSettings];
