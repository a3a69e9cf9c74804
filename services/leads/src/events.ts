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
  // A delivered run is one transaction, each event applied in order as alone (a failing run
  // falls back to one transaction per event): a day of deals is not a thousand commits. Each
  // reaction locks its contact, so in the embedded mode three lanes by key (as Kafka's
  // partitions) let them run side by side.
  consumer.inLanes(3).handleInRuns({
    'deal.created': (event, m) => reactToDealCreated(m, event),
    'deal.won': (event, m) => reactToDealWon(m, event),
    'deal.lost': (event, m) => reactToDealLost(m, event),
    'survey.responded': (event, m) => reactToSurveyResponse(m, event),
    'campaign.response_recorded': (event, m) => reactToCampaignResponse(m, event),
    'activity.completed': (event, m) => reactToActivityCompleted(m, event),
  });
}
