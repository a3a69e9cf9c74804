import type { EventConsumer } from '@crm/events';
import { recordContactCreated, recordContactMerged } from './use-cases/contacts';

/**
 * What tickets consumes from leads: the contact replica (which ids exist, where merged ones
 * went). Each handler runs in the consumer's transaction with the (consumer, event_id) row, so
 * a redelivered event has no second effect; all writes are scoped to event.tenantId.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    .handle('contact.created', async (event, m) => {
      await recordContactCreated(m, event);
    })
    .handle('contact.merged', async (event, m) => {
      await recordContactMerged(m, event);
    });
}
