export { createService, accessDefinition } from './service';
export { KEY_FORMAT } from './domain/api-keys';
export { registerHandlers } from './events';
