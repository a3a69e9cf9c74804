export { createService, ticketsService } from './service';
