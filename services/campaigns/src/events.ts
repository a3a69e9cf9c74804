import type { EventConsumer } from '@crm/events';
import { onCaptureEvents, onContactMerged, onContactUpdated, onDealWon } from './use-cases/contact-events';

/**
 * What campaigns consumes: leads' contact events feed the replica (never a read of leads'
 * database), pipeline's deal.won feeds attribution. Each handler runs in the consumer's
 * transaction with the (consumer, event_id) row, so a redelivery has no second effect.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    // The replica's busiest events (three per capture): a delivered run of them is one
    // transaction and one set-based replica write (a failing run falls back to one per event).
    .handleBatch(['contact.created', 'contact.score_changed', 'contact.lifecycle_stage_changed'], (events, m) => onCaptureEvents(m, events))
    .handle('contact.updated', (event, m) => onContactUpdated(m, event))
    .handle('contact.merged', (event, m) => onContactMerged(m, event))
    .handle('deal.won', (event, m) => onDealWon(m, event));
}
