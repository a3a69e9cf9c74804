import type { EntityManager } from 'typeorm';
import type { AnyEvent, EventEnvelope, EventType } from '@crm/events';
import { DEAL_EVENT_TYPES, DealEvent } from '../domain/deals';
import { recordContactsCreated, recordContactsMerged, recordStageChanges } from './ingest-contacts';
import { recordDealEvents } from './ingest-deals';
import { recordFirstResponses, recordResolutions, recordSurveys, recordTicketsOpened, recordTicketStatuses } from './ingest-tickets';
import { recordAttributions, recordCampaignFacts, recordMembers } from './ingest-campaigns';

/** Every event type a report needs (docs/kpis.md). */
export const ANALYTICS_EVENT_TYPES = [
  'contact.created',
  'contact.lifecycle_stage_changed',
  'contact.merged',
  ...DEAL_EVENT_TYPES,
  'ticket.opened',
  'ticket.status_changed',
  'ticket.first_responded',
  'ticket.resolved',
  'survey.responded',
  'campaign.launched',
  'campaign.cost_recorded',
  'campaign.member_added',
  'campaign.response_recorded',
  'campaign.member_converted',
  'campaign.revenue_attributed',
] as const satisfies readonly EventType[];

/** The rebuild takes this lock exclusively to swap tables; every live batch holds it shared. */
export const APPLY_LOCK = "hashtext('analytics:apply')";
export async function holdApplyLock(m: EntityManager): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock_shared(${APPLY_LOCK})`);
}

function pick<T extends EventType>(events: AnyEvent[], ...types: T[]): Array<EventEnvelope<T>> {
  return events.filter((e) => (types as EventType[]).includes(e.type)) as unknown as Array<EventEnvelope<T>>;
}

/**
 * One transport batch of new events, set-based: each family in a few multi-row statements.
 * Families are independent tables, so applying them family by family keeps each entity's order.
 */
export async function applyEvents(m: EntityManager, events: AnyEvent[]): Promise<void> {
  const run = async <T extends EventType>(types: T[], apply: (m: EntityManager, es: Array<EventEnvelope<T>>) => Promise<void>) => {
    const group = pick(events, ...types);
    if (group.length) await apply(m, group);
  };
  await run(['contact.created'], recordContactsCreated);
  await run(['contact.merged'], recordContactsMerged);
  await run(['contact.lifecycle_stage_changed'], recordStageChanges);
  await run([...DEAL_EVENT_TYPES], (mm, es) => recordDealEvents(mm, es as DealEvent[]));
  await run(['ticket.opened'], recordTicketsOpened);
  await run(['ticket.status_changed'], recordTicketStatuses);
  await run(['ticket.first_responded'], recordFirstResponses);
  await run(['ticket.resolved'], recordResolutions);
  await run(['survey.responded'], recordSurveys);
  const launched = pick(events, 'campaign.launched');
  const costs = pick(events, 'campaign.cost_recorded');
  if (launched.length || costs.length) await recordCampaignFacts(m, launched, costs);
  const members = events.filter(
    (e) => e.type === 'campaign.member_added' || e.type === 'campaign.response_recorded' || e.type === 'campaign.member_converted',
  );
  if (members.length) await recordMembers(m, members as Parameters<typeof recordMembers>[1]);
  await run(['campaign.revenue_attributed'], recordAttributions);
}
