import type { EventConsumer } from '@crm/events';
import { openDealForSqlContact, replicateCreatedContact, repointMergedContact } from './use-cases/contact-events';

/**
 * What pipeline consumes from leads. Each handler runs in the consumer's transaction together
 * with the (consumer, event_id) row, so a redelivered event has no second effect, and every
 * read and write is scoped to event.tenantId.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    // Two per capture: a delivered run of them is one transaction, each applied in order as
    // alone (a failing run falls back to one transaction per event).
    .handleBatch(['contact.created', 'contact.lifecycle_stage_changed'], async (events, m) => {
      for (const event of events) {
        if (event.type === 'contact.created') await replicateCreatedContact(m, event);
        else if (event.type === 'contact.lifecycle_stage_changed') await openDealForSqlContact(m, event);
      }
    })
    .handle('contact.merged', async (event, m) => {
      await repointMergedContact(m, event);
    });
}
