export { createService, leadsService } from './service';
