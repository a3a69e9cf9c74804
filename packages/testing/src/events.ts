import { buildEvent, EventData, EventType, topicOf, TransportMessage } from '@crm/events';

/** A catalog event as the transport would deliver it (to feed a consumer in tests). */
export function eventMessage<T extends EventType>(
  type: T,
  tenantId: string,
  aggregateId: string,
  data: EventData<T>,
  extra: { actor?: string; occurredAt?: Date } = {},
): TransportMessage {
  const event = buildEvent({ type, tenantId, aggregateId, data, actor: extra.actor, occurredAt: extra.occurredAt });
  return {
    topic: topicOf(event.source),
    key: aggregateId,
    value: JSON.stringify(event),
    headers: { 'event-id': event.id, 'event-type': type },
  };
}
