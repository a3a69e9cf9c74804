import type { EventConsumer } from '@crm/events';

/** The access service consumes no events yet (the audit log will: docs/access.md). */
export function registerHandlers(_consumer: EventConsumer): void {}
