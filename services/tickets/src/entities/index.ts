import { SlaPolicy } from './sla-policy';
import { Ticket, TicketComment } from './ticket';
import { BusinessHours, ContactRef, SurveyResponse, TicketSettings } from './settings';

export { SlaPolicy, Ticket, TicketComment, BusinessHours, ContactRef, SurveyResponse, TicketSettings };
export const entities = [SlaPolicy, Ticket, TicketComment, BusinessHours, TicketSettings, ContactRef, SurveyResponse];
