import type { EventConsumer } from '@crm/events';
import { storeAuditEntry } from './use-cases/audit';

/** Every service's audit entries (topic crm.access.v1), stored once each (event id and entry id). */
export function registerHandlers(consumer: EventConsumer): void {
  consumer.handle('audit.recorded', async (event, m) => {
    await storeAuditEntry(m, event);
  });
}
