import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@crm/events';
import { lastByKey } from './ingest-contacts';

type Opened = EventEnvelope<'ticket.opened'>;
type StatusChanged = EventEnvelope<'ticket.status_changed'>;
type FirstResponded = EventEnvelope<'ticket.first_responded'>;
type Resolved = EventEnvelope<'ticket.resolved'>;
type Surveyed = EventEnvelope<'survey.responded'>;

const json = (rows: unknown[]) => JSON.stringify(rows);

/** Each status in the history, and the latest by event time (ties: the later event) on the ticket's facts. */
async function insertStatuses(
  m: EntityManager,
  rows: Array<{ tenant_id: string; ticket_id: string; at: string; status: string }>,
): Promise<void> {
  if (!rows.length) return;
  await m.query(
    `INSERT INTO ticket_statuses (tenant_id, ticket_id, at, status)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, ticket_id uuid, at timestamptz, status varchar)`,
    [json(rows)],
  );
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const key = `${r.tenant_id}|${r.ticket_id}`;
    const seen = latest.get(key);
    if (!seen || Date.parse(r.at) >= Date.parse(seen.at)) latest.set(key, r);
  }
  await m.query(
    `INSERT INTO ticket_facts (tenant_id, ticket_id, status, status_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, ticket_id uuid, status varchar, at timestamptz)
     ON CONFLICT (tenant_id, ticket_id) DO UPDATE SET status = EXCLUDED.status, status_at = EXCLUDED.status_at
     WHERE ticket_facts.status_at IS NULL OR EXCLUDED.status_at >= ticket_facts.status_at`,
    [json([...latest.values()].map((r) => ({ tenant_id: r.tenant_id, ticket_id: r.ticket_id, status: r.status, at: r.at })))],
  );
}

/** ticket.opened: the ticket's facts and its first status (NEW). */
export async function recordTicketsOpened(m: EntityManager, events: Opened[]): Promise<void> {
  const rows = lastByKey(events, (e) => `${e.tenantId}|${e.aggregateId}`).map((e) => ({
    tenant_id: e.tenantId,
    ticket_id: e.aggregateId,
    contact_id: e.data.contactId,
    priority: e.data.priority,
    opened_at: e.occurredAt,
    first_response_due_at: e.data.firstResponseDueAt ?? null,
  }));
  await m.query(
    `INSERT INTO ticket_facts (tenant_id, ticket_id, contact_id, priority, opened_at, first_response_due_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb)
       AS x(tenant_id varchar, ticket_id uuid, contact_id uuid, priority varchar, opened_at timestamptz, first_response_due_at timestamptz)
     ON CONFLICT (tenant_id, ticket_id) DO UPDATE SET contact_id = EXCLUDED.contact_id, priority = EXCLUDED.priority,
       opened_at = EXCLUDED.opened_at, first_response_due_at = COALESCE(ticket_facts.first_response_due_at, EXCLUDED.first_response_due_at)`,
    [json(rows)],
  );
  await insertStatuses(
    m,
    events.map((e) => ({ tenant_id: e.tenantId, ticket_id: e.aggregateId, at: e.occurredAt, status: 'NEW' })),
  );
}

export async function recordTicketStatuses(m: EntityManager, events: StatusChanged[]): Promise<void> {
  await insertStatuses(
    m,
    events.map((e) => ({ tenant_id: e.tenantId, ticket_id: e.aggregateId, at: e.data.at ?? e.occurredAt, status: e.data.to })),
  );
}

/** ticket.first_responded: the earliest first response a ticket has is its first response. */
export async function recordFirstResponses(m: EntityManager, events: FirstResponded[]): Promise<void> {
  const earliest = new Map<string, FirstResponded>();
  for (const e of events) {
    const key = `${e.tenantId}|${e.aggregateId}`;
    const seen = earliest.get(key);
    if (!seen || Date.parse(e.data.at) < Date.parse(seen.data.at)) earliest.set(key, e);
  }
  const rows = [...earliest.values()].map((e) => ({
    tenant_id: e.tenantId,
    ticket_id: e.aggregateId,
    contact_id: e.data.contactId,
    first_responded_at: e.data.at,
    first_response_due_at: e.data.dueAt,
    first_response_breached: e.data.breached,
    first_response_minutes: e.data.businessMinutes ?? null,
  }));
  await m.query(
    `INSERT INTO ticket_facts (tenant_id, ticket_id, contact_id, first_responded_at, first_response_due_at, first_response_breached, first_response_minutes)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, ticket_id uuid, contact_id uuid, first_responded_at timestamptz,
       first_response_due_at timestamptz, first_response_breached boolean, first_response_minutes int)
     ON CONFLICT (tenant_id, ticket_id) DO UPDATE SET first_responded_at = EXCLUDED.first_responded_at,
       first_response_due_at = EXCLUDED.first_response_due_at, first_response_breached = EXCLUDED.first_response_breached,
       first_response_minutes = EXCLUDED.first_response_minutes
     WHERE ticket_facts.first_responded_at IS NULL OR EXCLUDED.first_responded_at < ticket_facts.first_responded_at`,
    [json(rows)],
  );
}

/** ticket.resolved: every resolution (a reopened ticket may be resolved again), and the RESOLVED status. */
export async function recordResolutions(m: EntityManager, events: Resolved[]): Promise<void> {
  const rows = lastByKey(events, (e) => `${e.tenantId}|${e.aggregateId}|${Date.parse(e.data.at)}`).map((e) => ({
    tenant_id: e.tenantId,
    ticket_id: e.aggregateId,
    at: e.data.at,
    due_at: e.data.dueAt,
    breached: e.data.breached,
    first_response_breached: e.data.firstResponseBreached,
    opened_at: e.data.openedAt ?? null,
    minutes: e.data.businessMinutes ?? null,
  }));
  await m.query(
    `INSERT INTO ticket_resolutions (tenant_id, ticket_id, at, due_at, breached, first_response_breached, opened_at, minutes)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, ticket_id uuid, at timestamptz, due_at timestamptz,
       breached boolean, first_response_breached boolean, opened_at timestamptz, minutes int)
     ON CONFLICT DO NOTHING`,
    [json(rows)],
  );
  await insertStatuses(
    m,
    events.map((e) => ({ tenant_id: e.tenantId, ticket_id: e.aggregateId, at: e.data.at, status: 'RESOLVED' })),
  );
}

/** survey.responded: one fact per response event (keyed by the event id, whatever the aggregate is). */
export async function recordSurveys(m: EntityManager, events: Surveyed[]): Promise<void> {
  const rows = lastByKey(events, (e) => e.id).map((e) => ({
    tenant_id: e.tenantId,
    survey_id: e.id,
    contact_id: e.data.contactId,
    kind: e.data.kind,
    score: e.data.score,
    responded_at: e.data.respondedAt ?? e.occurredAt,
  }));
  await m.query(
    `INSERT INTO survey_facts (tenant_id, survey_id, contact_id, kind, score, responded_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb)
       AS x(tenant_id varchar, survey_id uuid, contact_id uuid, kind varchar, score int, responded_at timestamptz)
     ON CONFLICT DO NOTHING`,
    [json(rows)],
  );
}
