import type { EventConsumer } from '@crm/events';
import { openDealForSqlContact, replicateCreatedContact, repointMergedContact } from './use-cases/contact-events';

/**
 * What pipeline consumes from leads. Each handler runs in the consumer's transaction together
 * with the (consumer, event_id) row, so a redelivered event has no second effect, and every
 * read and write is scoped to event.tenantId.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    .handle('contact.created', async (event, m) => {
      await replicateCreatedContact(m, event);
    })
    .handle('contact.lifecycle_stage_changed', async (event, m) => {
      await openDealForSqlContact(m, event);
    })
    .handle('contact.merged', async (event, m) => {
      await repointMergedContact(m, event);
    });
}
