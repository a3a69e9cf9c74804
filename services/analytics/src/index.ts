export { createService, analyticsDefinition, eventHistoryFor } from './service';
export { registerHandlers } from './events';
