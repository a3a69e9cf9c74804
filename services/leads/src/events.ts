import type { EventConsumer } from '@crm/events';
import {
  reactToActivityCompleted,
  reactToCampaignResponse,
  reactToDealCreated,
  reactToDealLost,
  reactToDealWon,
  reactToSurveyResponse,
} from './use-cases/event-reactions';

/** What leads consumes (the README's lifecycle rules); each handler is one call into a use case. */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    .handle('deal.created', (event, m) => reactToDealCreated(m, event))
    .handle('deal.won', (event, m) => reactToDealWon(m, event))
    .handle('deal.lost', (event, m) => reactToDealLost(m, event))
    .handle('survey.responded', (event, m) => reactToSurveyResponse(m, event))
    .handle('campaign.response_recorded', (event, m) => reactToCampaignResponse(m, event))
    .handle('activity.completed', (event, m) => reactToActivityCompleted(m, event));
}
