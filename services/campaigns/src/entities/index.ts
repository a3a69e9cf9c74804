import { Campaign } from './campaign';

export { Campaign };
export const entities = [Campaign];
