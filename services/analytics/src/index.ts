export { createService, analyticsDefinition, eventHistoryFor } from './service';
export { registerHandlers } from './events';
export { lifecycleFunnel } from './use-cases/funnel';
