import { randomUUID } from 'node:crypto';
import type { EventData, EventType, TransportMessage } from '@crm/events';
import { eventMessage } from '@crm/testing';

/**
 * A small CRM month (January 2026) as events, with every id fresh per tenant. The expected
 * figures in reports.test.ts are counted by hand from the timeline commented here.
 */
export const PERIOD = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
const t = (day: string, time = '00:00') => `${day}T${time}:00.000Z`;

export function scenario(tenant: string) {
  const ids = {
    c1: randomUUID(),
    c2: randomUUID(),
    c3: randomUUID(),
    c4: randomUUID(),
    c5: randomUUID(),
    c6: randomUUID(),
    c7: randomUUID(),
    d1: randomUUID(),
    d2: randomUUID(),
    d3: randomUUID(),
    d4: randomUUID(),
    d5: randomUUID(),
    d6: randomUUID(),
    d7: randomUUID(),
    d8: randomUUID(),
    d9: randomUUID(),
    t1: randomUUID(),
    t2: randomUUID(),
    t3: randomUUID(),
    t4: randomUUID(),
    t5: randomUUID(),
    k1: randomUUID(),
    k2: randomUUID(),
    pipeline: randomUUID(),
    s1: randomUUID(),
    s2: randomUUID(),
    sWon: randomUUID(),
    sLost: randomUUID(),
  };
  const messages: TransportMessage[] = [];
  const ev = <T extends EventType>(type: T, aggregateId: string, occurredAt: string, data: EventData<T>) =>
    messages.push(eventMessage(type, tenant, aggregateId, data, { occurredAt: new Date(occurredAt) }));

  const contact = (id: string, source: string, stages: Array<[string, string]>) => {
    ev('contact.created', id, stages[0][1], { email: `${id}@x.test`, lifecycleStage: stages[0][0] as 'LEAD', source });
    let from: string | null = null;
    for (const [to, at] of stages) {
      ev('contact.lifecycle_stage_changed', id, at, { from: from as 'LEAD' | null, to: to as 'LEAD', reason: null, source: 'API', at });
      from = to;
    }
  };
  contact(ids.c1, 'web', [
    ['LEAD', t('2025-12-20')],
    ['MQL', t('2026-01-05')],
    ['OPPORTUNITY', t('2026-01-10')],
    ['CUSTOMER', t('2026-01-20')],
  ]);
  contact(ids.c2, 'ads', [
    ['LEAD', t('2026-01-02')],
    ['MQL', t('2026-01-04')],
    ['SQL', t('2026-01-08')],
    ['OPPORTUNITY', t('2026-01-09')],
    ['MQL', t('2026-01-15')],
  ]);
  contact(ids.c3, 'web', [
    ['LEAD', t('2025-11-01')],
    ['CUSTOMER', t('2025-12-01')],
    ['CHURNED', t('2026-01-25')],
  ]);
  contact(ids.c4, 'web', [
    ['LEAD', t('2025-10-01')],
    ['CUSTOMER', t('2025-11-01')],
    ['CHURNED', t('2025-12-15')],
    ['CUSTOMER', t('2026-01-12')],
  ]);
  contact(ids.c5, 'web', [
    ['VISITOR', t('2026-01-03')],
    ['LEAD', t('2026-01-06')],
    ['DISQUALIFIED', t('2026-01-07')],
  ]);
  // c6 is c5's duplicate, merged away: it counts nowhere.
  contact(ids.c6, 'web', [
    ['LEAD', t('2026-01-03')],
    ['MQL', t('2026-01-04')],
  ]);
  ev('contact.merged', ids.c5, t('2026-01-08'), { primaryId: ids.c5, duplicateId: ids.c6 });

  const facts = { pipelineId: ids.pipeline };
  const deal = (
    id: string,
    contactId: string,
    createdAt: string,
    amount: number,
    ownerId: string,
    currency = 'USD',
    stage = ids.s1,
    probability = 10,
  ) =>
    ev('deal.created', id, createdAt, {
      contactId,
      pipelineId: ids.pipeline,
      stageId: stage,
      kind: 'NEW_BUSINESS',
      ownerId,
      probability,
      stageName: stage === ids.s1 ? 'Prospecting' : 'Proposal',
      amount,
      currency,
    });
  // d1 (c1): 100000 -> updated to 120000, Proposal, won 01-20 (10-day cycle).
  deal(ids.d1, ids.c1, t('2026-01-10'), 100000, 'rep-1');
  ev('deal.stage_changed', ids.d1, t('2026-01-12'), {
    contactId: ids.c1,
    fromStageId: ids.s1,
    toStageId: ids.s2,
    probability: 50,
    stageName: 'Proposal',
    ...facts,
    amount: 100000,
    currency: 'USD',
  });
  ev('deal.updated', ids.d1, t('2026-01-15'), { contactId: ids.c1, changedFields: ['amount'], amount: 120000, currency: 'USD', ...facts });
  ev('deal.won', ids.d1, t('2026-01-20'), {
    contactId: ids.c1,
    closedAt: t('2026-01-20'),
    createdAt: t('2026-01-10'),
    kind: 'NEW_BUSINESS',
    ownerId: 'rep-1',
    ...facts,
    amount: 120000,
    currency: 'USD',
  });
  // d2 (c2): lost 01-15, Price.
  deal(ids.d2, ids.c2, t('2026-01-09'), 50000, 'rep-2');
  ev('deal.lost', ids.d2, t('2026-01-15'), {
    contactId: ids.c2,
    reason: 'Price',
    closedAt: t('2026-01-15'),
    ...facts,
    amount: 50000,
    currency: 'USD',
  });
  // d3 (c4): created 2025-12-20, won 01-12 (23-day cycle).
  deal(ids.d3, ids.c4, t('2025-12-20'), 30000, 'rep-1');
  ev('deal.won', ids.d3, t('2026-01-12'), {
    contactId: ids.c4,
    closedAt: t('2026-01-12'),
    kind: 'NEW_BUSINESS',
    ...facts,
    amount: 30000,
    currency: 'USD',
  });
  // d4, d9 (c3): two wins before the period.
  deal(ids.d4, ids.c3, t('2025-11-15'), 20000, 'rep-1');
  ev('deal.won', ids.d4, t('2025-12-01'), {
    contactId: ids.c3,
    closedAt: t('2025-12-01'),
    kind: 'NEW_BUSINESS',
    amount: 20000,
    currency: 'USD',
  });
  deal(ids.d9, ids.c3, t('2025-12-05'), 10000, 'rep-1');
  ev('deal.won', ids.d9, t('2025-12-10'), { contactId: ids.c3, closedAt: t('2025-12-10'), kind: 'UPSELL', amount: 10000, currency: 'USD' });
  // d5 (c4): open in Proposal at 50%.
  deal(ids.d5, ids.c4, t('2026-01-25'), 70000, 'rep-2', 'USD', ids.s2, 50);
  // d6 (c1): open, in EUR (never added to USD figures).
  deal(ids.d6, ids.c1, t('2026-01-05'), 10000, 'rep-1', 'EUR');
  // d7 (c3): lost 01-22, reopened 01-28 into Proposal at 50%.
  deal(ids.d7, ids.c3, t('2026-01-02'), 40000, 'rep-1');
  ev('deal.lost', ids.d7, t('2026-01-22'), {
    contactId: ids.c3,
    reason: 'Price',
    closedAt: t('2026-01-22'),
    ...facts,
    amount: 40000,
    currency: 'USD',
  });
  ev('deal.reopened', ids.d7, t('2026-01-28'), {
    contactId: ids.c3,
    stageId: ids.s2,
    probability: 50,
    previousStatus: 'LOST',
    stageName: 'Proposal',
    ...facts,
    amount: 40000,
    currency: 'USD',
  });
  // d8 (c2): lost 01-18, Timing.
  deal(ids.d8, ids.c2, t('2026-01-16'), 25000, 'rep-2');
  ev('deal.lost', ids.d8, t('2026-01-18'), { contactId: ids.c2, reason: 'Timing', ...facts, amount: 25000, currency: 'USD' });

  tickets(ev, ids);
  campaigns(ev, ids);
  return { ids, messages };
}

type Emit = <T extends EventType>(type: T, aggregateId: string, occurredAt: string, data: EventData<T>) => void;

function tickets(ev: Emit, ids: ReturnType<typeof scenario>['ids']) {
  const open = (id: string, at: string) => ev('ticket.opened', id, at, { contactId: ids.c1, priority: 'NORMAL', subject: 'Help' });
  const status = (id: string, from: string, to: string, at: string) =>
    ev('ticket.status_changed', id, at, { contactId: ids.c1, from: from as 'NEW', to: to as 'OPEN', at });
  // t1: answered in 60 business minutes, resolved in 480, both targets met.
  open(ids.t1, t('2026-01-03', '10:00'));
  ev('ticket.first_responded', ids.t1, t('2026-01-03', '11:00'), {
    contactId: ids.c1,
    at: t('2026-01-03', '11:00'),
    dueAt: t('2026-01-03', '12:00'),
    breached: false,
    businessMinutes: 60,
  });
  status(ids.t1, 'NEW', 'OPEN', t('2026-01-03', '11:00'));
  ev('ticket.resolved', ids.t1, t('2026-01-04', '10:00'), {
    contactId: ids.c1,
    at: t('2026-01-04', '10:00'),
    dueAt: t('2026-01-05'),
    breached: false,
    firstResponseBreached: false,
    businessMinutes: 480,
  });
  status(ids.t1, 'OPEN', 'RESOLVED', t('2026-01-04', '10:00'));
  // t2: first response late (360 wall-clock minutes), resolution on time (1440 minutes).
  open(ids.t2, t('2026-01-05', '09:00'));
  ev('ticket.first_responded', ids.t2, t('2026-01-05', '15:00'), {
    contactId: ids.c1,
    at: t('2026-01-05', '15:00'),
    dueAt: t('2026-01-05', '10:00'),
    breached: true,
  });
  ev('ticket.resolved', ids.t2, t('2026-01-06', '09:00'), {
    contactId: ids.c1,
    at: t('2026-01-06', '09:00'),
    dueAt: t('2026-01-07'),
    breached: false,
    firstResponseBreached: true,
    openedAt: t('2026-01-05', '09:00'),
  });
  // t3: answered in 30 minutes, then waiting on the customer (open at the end).
  open(ids.t3, t('2026-01-10'));
  ev('ticket.first_responded', ids.t3, t('2026-01-10', '00:30'), {
    contactId: ids.c1,
    at: t('2026-01-10', '00:30'),
    dueAt: t('2026-01-10', '04:00'),
    breached: false,
    businessMinutes: 30,
  });
  status(ids.t3, 'NEW', 'PENDING', t('2026-01-11'));
  // t4: opened before the period, never answered (open at the end).
  open(ids.t4, t('2025-12-30'));
  // t5: resolved late on 01-21, reopened, resolved late again on 01-23 (the resolution that counts).
  open(ids.t5, t('2026-01-20', '08:00'));
  ev('ticket.first_responded', ids.t5, t('2026-01-20', '09:00'), {
    contactId: ids.c1,
    at: t('2026-01-20', '09:00'),
    dueAt: t('2026-01-20', '10:00'),
    breached: false,
    businessMinutes: 60,
  });
  ev('ticket.resolved', ids.t5, t('2026-01-21', '08:00'), {
    contactId: ids.c1,
    at: t('2026-01-21', '08:00'),
    dueAt: t('2026-01-20', '20:00'),
    breached: true,
    firstResponseBreached: false,
    businessMinutes: 600,
  });
  status(ids.t5, 'RESOLVED', 'OPEN', t('2026-01-22'));
  ev('ticket.resolved', ids.t5, t('2026-01-23', '08:00'), {
    contactId: ids.c1,
    at: t('2026-01-23', '08:00'),
    dueAt: t('2026-01-20', '20:00'),
    breached: true,
    firstResponseBreached: false,
    businessMinutes: 900,
  });
  // Surveys: CSAT 5 4 3 1; NPS 10 9 9 8 7 6 0 (and a 0 before the period). Half are keyed by the
  // contact, half by a response id: each response counts once either way.
  let n = 0;
  const survey = (kind: 'NPS' | 'CSAT', score: number, at: string) =>
    ev('survey.responded', n++ % 2 ? ids.c1 : randomUUID(), at, { contactId: ids.c1, kind, score, respondedAt: at });
  [5, 4, 3, 1].forEach((s, i) => survey('CSAT', s, t(`2026-01-1${i}`)));
  [10, 9, 9, 8, 7, 6, 0].forEach((s, i) => survey('NPS', s, t(`2026-01-2${i}`)));
  survey('NPS', 0, t('2025-12-31'));
}

function campaigns(ev: Emit, ids: ReturnType<typeof scenario>['ids']) {
  ev('campaign.launched', ids.k1, t('2025-12-28'), { name: 'Winter', kind: 'ACQUISITION', currency: 'USD' });
  ev('campaign.launched', ids.k2, t('2025-12-28'), { name: 'Webinar', kind: 'NURTURE', currency: 'USD' });
  const member = (k: string, c: string, at: string) => ev('campaign.member_added', k, at, { campaignId: k, contactId: c, addedAt: at });
  const respond = (k: string, c: string, type: 'OPENED' | 'CLICKED' | 'RESPONDED', at: string) =>
    ev('campaign.response_recorded', k, at, { campaignId: k, contactId: c, responseType: type });
  // k1: four members; c1 responds and converts, c2 only opens, c5 clicks; costs 10000 then 15000 more.
  member(ids.k1, ids.c1, t('2026-01-01'));
  member(ids.k1, ids.c2, t('2026-01-02'));
  member(ids.k1, ids.c5, t('2026-01-03'));
  member(ids.k1, ids.c4, t('2026-01-03'));
  respond(ids.k1, ids.c1, 'OPENED', t('2026-01-03'));
  respond(ids.k1, ids.c1, 'RESPONDED', t('2026-01-04'));
  respond(ids.k1, ids.c2, 'OPENED', t('2026-01-05'));
  respond(ids.k1, ids.c5, 'CLICKED', t('2026-01-05'));
  ev('campaign.member_converted', ids.k1, t('2026-01-20'), { campaignId: ids.k1, contactId: ids.c1, at: t('2026-01-20') });
  ev('campaign.cost_recorded', ids.k1, t('2026-01-02'), { campaignId: ids.k1, actualCost: 10000, amount: 10000, currency: 'USD' });
  ev('campaign.cost_recorded', ids.k1, t('2026-01-09'), { campaignId: ids.k1, actualCost: 25000, amount: 15000, currency: 'USD' });
  // k2: one member, no response, no cost.
  member(ids.k2, ids.c1, t('2026-01-06'));
  // d1's win split over k1 (first) and k2 (last); d3's all to k1. A stale attribution of d1 (an
  // earlier close, since superseded) must not count, whether it arrives first or last.
  ev('campaign.revenue_attributed', ids.d1, t('2026-01-19'), {
    dealId: ids.d1,
    contactId: ids.c1,
    closedAt: t('2026-01-19'),
    amount: 120000,
    currency: 'USD',
    touches: [{ campaignId: ids.k2, firstTouch: 120000, lastTouch: 120000, linear: 120000 }],
  });
  ev('campaign.revenue_attributed', ids.d1, t('2026-01-20'), {
    dealId: ids.d1,
    contactId: ids.c1,
    closedAt: t('2026-01-20'),
    amount: 120000,
    currency: 'USD',
    touches: [
      { campaignId: ids.k1, firstTouch: 120000, lastTouch: 0, linear: 60000 },
      { campaignId: ids.k2, firstTouch: 0, lastTouch: 120000, linear: 60000 },
    ],
  });
  ev('campaign.revenue_attributed', ids.d3, t('2026-01-12'), {
    dealId: ids.d3,
    contactId: ids.c4,
    closedAt: t('2026-01-12'),
    amount: 30000,
    currency: 'USD',
    touches: [{ campaignId: ids.k1, firstTouch: 30000, lastTouch: 30000, linear: 30000 }],
  });
}

/** A seeded shuffle that keeps each key's messages in order (the only order Kafka guarantees). */
export function shuffleAcrossKeys(messages: TransportMessage[], seed: number): TransportMessage[] {
  let s = seed;
  const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const queues = new Map<string, TransportMessage[]>();
  for (const m of messages) queues.set(m.key, [...(queues.get(m.key) ?? []), m]);
  const out: TransportMessage[] = [];
  const keys = [...queues.keys()];
  while (keys.length) {
    const i = Math.floor(random() * keys.length);
    const q = queues.get(keys[i])!;
    out.push(q.shift()!);
    if (!q.length) keys.splice(i, 1);
  }
  return out;
}

/** Every message, some twice (a redelivery comes after the original), in seeded chunks of 1 to 40. */
export function withDuplicates(messages: TransportMessage[], seed: number): TransportMessage[][] {
  let s = seed;
  const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out = [...messages];
  for (const m of messages) if (random() < 0.3) out.splice(out.indexOf(m) + 1 + Math.floor(random() * 10), 0, m);
  const chunks: TransportMessage[][] = [];
  for (let i = 0; i < out.length;) {
    const n = 1 + Math.floor(random() * 40);
    chunks.push(out.slice(i, i + n));
    i += n;
  }
  return chunks;
}
