import { z } from 'zod';

/**
 * The v1 event catalog (DESIGN §5). Every event is validated against this on produce and on
 * consume; a type not listed here cannot be emitted.
 */
export const SOURCES = ['leads', 'pipeline', 'tickets', 'campaigns', 'analytics'] as const;
export type EventSource = (typeof SOURCES)[number];

export const LifecycleStageSchema = z.enum([
  'VISITOR', 'LEAD', 'MQL', 'SQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER', 'CHURNED', 'DISQUALIFIED',
]);
const id = z.uuid();
const money = { amount: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) };
const when = z.iso.datetime({ offset: true });

export const EVENT_DATA = {
  'contact.created': z.object({
    email: z.string().nullable(),
    firstName: z.string().nullable().optional(),
    lastName: z.string().nullable().optional(),
    lifecycleStage: LifecycleStageSchema,
    source: z.string().nullable().optional(),
    ownerId: z.string().nullable().optional(),
    companyId: id.nullable().optional(),
  }),
  'contact.updated': z.object({
    changedFields: z.array(z.string()).min(1),
    values: z.record(z.string(), z.unknown()).optional(),
  }),
  'contact.lifecycle_stage_changed': z.object({
    from: LifecycleStageSchema.nullable(),
    to: LifecycleStageSchema,
    reason: z.string().nullable(),
    source: z.enum(['API', 'IMPORT', 'RULE', 'EVENT']),
    at: when,
  }),
  'contact.score_changed': z.object({
    previous: z.number().int(),
    score: z.number().int(),
    fit: z.number(),
    engagement: z.number(),
  }),
  'contact.merged': z.object({ primaryId: id, duplicateId: id }),
  'deal.created': z.object({
    contactId: id,
    pipelineId: id,
    stageId: id,
    kind: z.enum(['NEW_BUSINESS', 'UPSELL', 'CROSS_SELL', 'RENEWAL']),
    ownerId: z.string().nullable().optional(),
    expectedCloseDate: z.string().nullable().optional(),
    ...money,
  }),
  'deal.stage_changed': z.object({
    contactId: id,
    fromStageId: id.nullable(),
    toStageId: id,
    probability: z.number().int().min(0).max(100),
    ...money,
  }),
  'deal.won': z.object({ contactId: id, kind: z.string(), closedAt: when, ...money }),
  'deal.lost': z.object({ contactId: id, reason: z.string().min(1), ...money }),
  'activity.completed': z.object({
    kind: z.enum(['TASK', 'CALL', 'MEETING', 'EMAIL', 'NOTE']),
    contactId: id.nullable().optional(),
    dealId: id.nullable().optional(),
    ownerId: z.string().nullable().optional(),
  }),
  'ticket.opened': z.object({ contactId: id, priority: z.enum(['LOW', 'NORMAL', 'HIGH', 'URGENT']), subject: z.string() }),
  'ticket.status_changed': z.object({ contactId: id, from: z.string(), to: z.string() }),
  'ticket.sla_breached': z.object({ contactId: id, target: z.enum(['FIRST_RESPONSE', 'RESOLUTION']), dueAt: when }),
  'survey.responded': z.object({
    contactId: id,
    kind: z.enum(['NPS', 'CSAT']),
    score: z.number().int().min(0).max(10),
    ticketId: id.nullable().optional(),
  }),
  'campaign.launched': z.object({ name: z.string(), kind: z.string(), channel: z.string().nullable().optional() }),
  'campaign.member_added': z.object({ campaignId: id, contactId: id }),
  'campaign.response_recorded': z.object({
    campaignId: id,
    contactId: id,
    responseType: z.enum(['OPENED', 'CLICKED', 'RESPONDED']),
  }),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[];

/** Which service may produce each type: it decides the topic. */
export function sourceOf(type: EventType): EventSource {
  const prefix = type.split('.')[0];
  if (prefix === 'contact') return 'leads';
  if (prefix === 'deal' || prefix === 'activity') return 'pipeline';
  if (prefix === 'ticket' || prefix === 'survey') return 'tickets';
  return 'campaigns';
}
export const topicOf = (source: EventSource) => `crm.${source}.v1`;
export const dlqTopicOf = (topic: string) => `${topic}.dlq`;
