import type { EventConsumer } from '@crm/events';
import { onContactCreated, onContactMerged, onContactUpdated, onDealWon, onScoreChanged, onStageChanged } from './use-cases/contact-events';

/**
 * What campaigns consumes: leads' contact events feed the replica (never a read of leads'
 * database), pipeline's deal.won feeds attribution. Each handler runs in the consumer's
 * transaction with the (consumer, event_id) row, so a redelivery has no second effect.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    // The replica's busiest events (three per capture): a delivered run of them is one
    // transaction, each applied in order as alone (a failing run falls back to one per event).
    .handleBatch(['contact.created', 'contact.score_changed', 'contact.lifecycle_stage_changed'], async (events, m) => {
      for (const event of events) {
        if (event.type === 'contact.created') await onContactCreated(m, event);
        else if (event.type === 'contact.score_changed') await onScoreChanged(m, event);
        else if (event.type === 'contact.lifecycle_stage_changed') await onStageChanged(m, event);
      }
    })
    .handle('contact.updated', (event, m) => onContactUpdated(m, event))
    .handle('contact.merged', (event, m) => onContactMerged(m, event))
    .handle('deal.won', (event, m) => onDealWon(m, event));
}
