import type { EventConsumer } from '@crm/events';
import { applyContactRun, repointMergedContact } from './use-cases/contact-events';

/**
 * What pipeline consumes from leads. Each handler runs in the consumer's transaction together
 * with the (consumer, event_id) row, so a redelivered event has no second effect, and every
 * read and write is scoped to event.tenantId.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    // Two per capture: a delivered run of them is one transaction (a failing run falls back
    // to one transaction per event).
    .handleBatch(['contact.created', 'contact.lifecycle_stage_changed'], (events, m) => applyContactRun(m, events))
    .handle('contact.merged', async (event, m) => {
      await repointMergedContact(m, event);
    });
}
