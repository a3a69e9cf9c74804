export { createService, campaignsService } from './service';
