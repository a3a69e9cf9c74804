import type { EventConsumer } from '@crm/events';
import { onContactCreated, onContactMerged, onContactUpdated, onDealWon, onScoreChanged, onStageChanged } from './use-cases/contact-events';

/**
 * What campaigns consumes: leads' contact events feed the replica (never a read of leads'
 * database), pipeline's deal.won feeds attribution. Each handler runs in the consumer's
 * transaction with the (consumer, event_id) row, so a redelivery has no second effect.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    .handle('contact.created', (event, m) => onContactCreated(m, event))
    .handle('contact.updated', (event, m) => onContactUpdated(m, event))
    .handle('contact.score_changed', (event, m) => onScoreChanged(m, event))
    .handle('contact.lifecycle_stage_changed', (event, m) => onStageChanged(m, event))
    .handle('contact.merged', (event, m) => onContactMerged(m, event))
    .handle('deal.won', (event, m) => onDealWon(m, event));
}
