import { Company } from './company';
import { Contact } from './contact';
import { StageChange } from './stage-change';

export { Company, Contact, StageChange };
export const entities = [Contact, Company, StageChange];
