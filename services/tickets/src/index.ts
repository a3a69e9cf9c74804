export { createService, ticketsService, slaBreachJob } from './service';
export { detectSlaBreaches } from './use-cases/breaches';
export { registerHandlers } from './events';
// What the composition root's demo seed (stack/src/seed) drives in-process.
export { openTicket } from './use-cases/ticket-writes';
export { addTicketComment } from './use-cases/comments';
export { changeTicketStatus } from './use-cases/ticket-status';
export { recordSurveyResponse } from './use-cases/surveys';
