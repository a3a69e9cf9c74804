export { createService, leadsService } from './service';
export { registerHandlers } from './events';
