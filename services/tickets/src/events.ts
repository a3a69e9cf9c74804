import type { EventConsumer, EventEnvelope } from '@crm/events';
import { recordContactsCreated, recordContactMerged } from './use-cases/contacts';

/**
 * What tickets consumes from leads: the contact replica (which ids exist, where merged ones
 * went). Each handler runs in the consumer's transaction with the (consumer, event_id) row, so
 * a redelivered event has no second effect; all writes are scoped to event.tenantId.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    // One per capture: a delivered run of them is one statement in one transaction.
    .handleBatch(['contact.created'], (events, m) => recordContactsCreated(m, events as Array<EventEnvelope<'contact.created'>>))
    .handle('contact.merged', async (event, m) => {
      await recordContactMerged(m, event);
    });
}
