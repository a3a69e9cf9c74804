export { createService, campaignsService } from './service';
export { registerHandlers } from './events';
