export { createService, ticketsService, slaBreachJob } from './service';
export { detectSlaBreaches } from './use-cases/breaches';
export { registerHandlers } from './events';
