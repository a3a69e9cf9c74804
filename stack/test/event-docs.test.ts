import { EVENT_DATA, EVENT_TYPES, exampleDataOf, sourceOf } from '@crm/events';
import { consumersByType, staleEventDocs } from '../src/event-docs';

describe('event catalog docs', () => {
  test('docs/events.md and docs/events/*.schema.json are what `npm run docs:events` writes', () => {
    expect(staleEventDocs()).toEqual([]);
  });

  test.each(EVENT_TYPES)('%s: the documented example is valid data', (type) => {
    expect(EVENT_DATA[type].safeParse(exampleDataOf(type)).success).toBe(true);
  });

  test('every event type has a producer, and the consumers are what the services register', () => {
    for (const type of EVENT_TYPES) expect(sourceOf(type)).toBeTruthy();
    const consumers = consumersByType();
    expect(consumers.get('deal.won')).toEqual(expect.arrayContaining(['leads']));
    expect(consumers.get('contact.lifecycle_stage_changed')).toEqual(expect.arrayContaining(['pipeline', 'analytics']));
  });
});
