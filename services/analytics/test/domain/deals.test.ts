import { randomUUID } from 'node:crypto';
import { buildEvent } from '@crm/events';
import { applyDealEvent, DealEvent } from '../../src/domain/deals';

const dealId = randomUUID();
const contactId = randomUUID();
const stage = randomUUID();
const ev = (type: DealEvent['type'], at: string, data: Record<string, unknown>) =>
  buildEvent({
    type,
    tenantId: 't',
    aggregateId: dealId,
    occurredAt: new Date(at),
    data: { contactId, amount: 100, currency: 'USD', ...data } as never,
  }) as DealEvent;

test('a deal folds through created, updated, won, reopened, lost', () => {
  const pipelineId = randomUUID();
  let fact = applyDealEvent(
    null,
    ev('deal.created', '2026-01-01T00:00:00Z', {
      pipelineId,
      stageId: stage,
      kind: 'NEW_BUSINESS',
      ownerId: 'rep-1',
      probability: 10,
      stageName: 'Prospecting',
    }),
  );
  expect(fact).toMatchObject({
    status: 'OPEN',
    stageId: stage,
    stageName: 'Prospecting',
    probability: 10,
    ownerId: 'rep-1',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  fact = applyDealEvent(
    fact,
    ev('deal.updated', '2026-01-02T00:00:00Z', { changedFields: ['amount', 'ownerId'], amount: 500, ownerId: null }),
  );
  expect(fact).toMatchObject({ amount: 500, ownerId: null, stageName: 'Prospecting', probability: 10 });
  fact = applyDealEvent(
    fact,
    ev('deal.won', '2026-01-05T00:00:00Z', { closedAt: '2026-01-05T00:00:00.000Z', kind: 'NEW_BUSINESS', amount: 500 }),
  );
  expect(fact).toMatchObject({
    status: 'WON',
    probability: 100,
    closedAt: '2026-01-05T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  fact = applyDealEvent(
    fact,
    ev('deal.reopened', '2026-01-06T00:00:00Z', { stageId: stage, probability: 40, previousStatus: 'WON', amount: 500 }),
  );
  expect(fact).toMatchObject({ status: 'OPEN', closedAt: null, probability: 40 });
  fact = applyDealEvent(fact, ev('deal.lost', '2026-01-07T00:00:00Z', { reason: 'Price', amount: 500 }));
  expect(fact).toMatchObject({ status: 'LOST', lostReason: 'Price', closedAt: '2026-01-07T00:00:00.000Z', probability: 0 });
});

test('a win seen without its creation takes createdAt from the event', () => {
  const fact = applyDealEvent(
    null,
    ev('deal.won', '2026-01-05T00:00:00Z', { closedAt: '2026-01-05T00:00:00.000Z', createdAt: '2025-12-01T00:00:00.000Z', kind: 'UPSELL' }),
  );
  expect(fact).toMatchObject({ status: 'WON', createdAt: '2025-12-01T00:00:00.000Z', kind: 'UPSELL', amount: 100 });
});
