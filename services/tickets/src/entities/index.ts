import { SlaPolicy } from './sla-policy';

export { SlaPolicy };
export const entities = [SlaPolicy];
