import type { EventConsumer } from '@crm/events';
import { ANALYTICS_EVENT_TYPES, applyEvents, holdApplyLock } from './use-cases/apply-events';

/**
 * Every read model is fed set-based: a transport batch is one transaction (one multi-row insert
 * into crm_processed_events skipping duplicates), applied in few multi-row statements. The
 * shared lock lets a rebuild swap its tables in between two batches.
 */
export function registerHandlers(consumer: EventConsumer): void {
  consumer.handleBatch(ANALYTICS_EVENT_TYPES, (events, m) => applyEvents(m, events), { before: holdApplyLock });
}
