import type { EventConsumer } from '@crm/events';

/**
 * The stage read model. Events of one contact arrive in order (same key, same partition), and
 * each is applied once (the consumer's idempotency table), so the counts are exact.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer
    .handle('contact.created', async (event, m) => {
      await m.query(
        `INSERT INTO contact_stages (tenant_id, contact_id, stage, stage_since) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, contact_id) DO NOTHING`,
        [event.tenantId, event.aggregateId, event.data.lifecycleStage, event.occurredAt],
      );
    })
    .handle('contact.lifecycle_stage_changed', async (event, m) => {
      await m.query(
        `INSERT INTO contact_stages (tenant_id, contact_id, stage, stage_since) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, contact_id) DO UPDATE SET stage = EXCLUDED.stage, stage_since = EXCLUDED.stage_since`,
        [event.tenantId, event.aggregateId, event.data.to, event.data.at],
      );
    })
    .handle('contact.merged', async (event, m) => {
      await m.query('DELETE FROM contact_stages WHERE tenant_id = $1 AND contact_id = $2', [event.tenantId, event.data.duplicateId]);
    });
}
