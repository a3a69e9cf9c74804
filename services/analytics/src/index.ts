export { createService, analyticsService } from './service';
