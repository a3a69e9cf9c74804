export { createService, analyticsDefinition, eventHistoryFor } from './service';
