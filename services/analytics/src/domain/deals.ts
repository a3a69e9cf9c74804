import type { EventEnvelope } from '@crm/events';

export const DEAL_EVENT_TYPES = ['deal.created', 'deal.updated', 'deal.stage_changed', 'deal.won', 'deal.lost', 'deal.reopened'] as const;
export type DealEventType = (typeof DEAL_EVENT_TYPES)[number];
export type DealEvent = { [T in DealEventType]: EventEnvelope<T> }[DealEventType];

/** What analytics knows of a deal, as of the last event applied (events of one deal arrive in order). */
export interface DealFact {
  dealId: string;
  contactId: string;
  pipelineId: string | null;
  ownerId: string | null;
  kind: string | null;
  stageId: string | null;
  stageName: string | null;
  probability: number;
  amount: number;
  currency: string;
  status: 'OPEN' | 'WON' | 'LOST';
  createdAt: string;
  closedAt: string | null;
  lostReason: string | null;
}

type Facts = { pipelineId?: string; ownerId?: string | null; kind?: string; stageName?: string };

/** Optional facts overwrite only when the event carries them. */
function withFacts(fact: DealFact, data: Facts): DealFact {
  return {
    ...fact,
    pipelineId: data.pipelineId ?? fact.pipelineId,
    ownerId: data.ownerId === undefined ? fact.ownerId : data.ownerId,
    kind: data.kind ?? fact.kind,
    stageName: data.stageName ?? fact.stageName,
  };
}

function blank(dealId: string, event: DealEvent): DealFact {
  const d = event.data as { contactId: string; amount: number; currency: string; createdAt?: string };
  return {
    dealId,
    contactId: d.contactId,
    pipelineId: null,
    ownerId: null,
    kind: null,
    stageId: null,
    stageName: null,
    probability: 0,
    amount: d.amount,
    currency: d.currency,
    status: 'OPEN',
    createdAt: d.createdAt ?? event.occurredAt,
    closedAt: null,
    lostReason: null,
  };
}

/** The deal after `event` (a pure fold: the same events in the same order give the same fact). */
export function applyDealEvent(prev: DealFact | null, event: DealEvent): DealFact {
  const base = withFacts(
    {
      ...(prev ?? blank(event.aggregateId, event)),
      contactId: event.data.contactId,
      amount: event.data.amount,
      currency: event.data.currency,
    },
    event.data,
  );
  switch (event.type) {
    case 'deal.created':
      return {
        ...base,
        stageId: event.data.stageId,
        probability: event.data.probability ?? base.probability,
        status: 'OPEN',
        createdAt: event.occurredAt,
        closedAt: null,
        lostReason: null,
      };
    case 'deal.updated':
      return { ...base, probability: event.data.probability ?? base.probability };
    case 'deal.stage_changed':
      return { ...base, stageId: event.data.toStageId, probability: event.data.probability };
    case 'deal.won':
      return {
        ...base,
        status: 'WON',
        probability: 100,
        closedAt: event.data.closedAt,
        createdAt: event.data.createdAt ?? base.createdAt,
        lostReason: null,
      };
    case 'deal.lost':
      return {
        ...base,
        status: 'LOST',
        probability: 0,
        closedAt: event.data.closedAt ?? event.occurredAt,
        createdAt: event.data.createdAt ?? base.createdAt,
        lostReason: event.data.reason,
      };
    case 'deal.reopened':
      return {
        ...base,
        status: 'OPEN',
        stageId: event.data.stageId,
        probability: event.data.probability,
        closedAt: null,
        lostReason: null,
      };
  }
}
