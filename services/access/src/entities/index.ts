import { ApiKey } from './api-key';

export { ApiKey };
export const entities = [ApiKey];
