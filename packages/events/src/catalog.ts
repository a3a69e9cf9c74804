import { z } from 'zod';

/**
 * The v1 event catalog (docs/event-delivery.md). Every event is validated against this on produce and on
 * consume; a type not listed here cannot be emitted.
 */
export const SOURCES = ['leads', 'pipeline', 'tickets', 'campaigns', 'analytics', 'access'] as const;
export type EventSource = (typeof SOURCES)[number];

/** The lifecycle stages (the README's lifecycle rules), in forward order then the side stages: every service reads them from here. */
export const LIFECYCLE_STAGES = [
  'VISITOR',
  'LEAD',
  'MQL',
  'SQL',
  'OPPORTUNITY',
  'CUSTOMER',
  'PROMOTER',
  'CHURNED',
  'DISQUALIFIED',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const LifecycleStageSchema = z.enum(LIFECYCLE_STAGES);

export const TICKET_PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export const TICKET_STATUSES = ['NEW', 'OPEN', 'PENDING', 'RESOLVED', 'CLOSED'] as const;
export const TICKET_CHANNELS = ['EMAIL', 'CHAT', 'PHONE', 'WEB', 'API'] as const;
export const CAMPAIGN_KINDS = ['ACQUISITION', 'NURTURE', 'ONBOARDING', 'RETENTION', 'RECONQUEST', 'REFERRAL'] as const;
export const CAMPAIGN_CHANNELS = ['EMAIL', 'SOCIAL', 'ADS', 'SEO', 'EVENT', 'WEBINAR', 'REFERRAL'] as const;
export const CAMPAIGN_STATUSES = ['DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED'] as const;
export const MEMBER_STATUSES = ['SENT', 'OPENED', 'CLICKED', 'RESPONDED', 'CONVERTED'] as const;
export const DEAL_KINDS = ['NEW_BUSINESS', 'UPSELL', 'CROSS_SELL', 'RENEWAL'] as const;

const id = z.uuid();
/** Money is integer minor units (exact to 2^53 - 1) with an ISO 4217 code (docs/architecture.md). */
const minor = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const currency = z.string().regex(/^[A-Z]{3}$/);
const money = { amount: minor, currency };
const when = z.iso.datetime({ offset: true });
const userId = z.string().max(64);
const priority = z.enum(TICKET_PRIORITIES);
const ticketStatus = z.enum(TICKET_STATUSES);
// Deal facts analytics keeps without calling pipeline back (all optional: additive to v1).
const dealFacts = {
  pipelineId: id.optional(),
  ownerId: userId.nullable().optional(),
  kind: z.enum(DEAL_KINDS).optional(),
  stageName: z.string().optional(),
};

export const EVENT_DATA = {
  'contact.created': z.object({
    email: z.string().nullable(),
    firstName: z.string().nullable().optional(),
    lastName: z.string().nullable().optional(),
    lifecycleStage: LifecycleStageSchema,
    source: z.string().nullable().optional(),
    ownerId: z.string().nullable().optional(),
    companyId: id.nullable().optional(),
    // Properties campaign segments select on (campaigns keeps a replica fed by these events).
    industry: z.string().nullable().optional(),
    companySize: z.number().int().nullable().optional(),
    score: z.number().int().optional(),
    referrerId: id.nullable().optional(),
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
    kind: z.enum(DEAL_KINDS),
    ownerId: z.string().nullable().optional(),
    expectedCloseDate: z.string().nullable().optional(),
    probability: z.number().int().min(0).max(100).optional(),
    stageName: z.string().optional(),
    ...money,
  }),
  'deal.updated': z.object({
    contactId: id,
    changedFields: z.array(z.string()).min(1),
    expectedCloseDate: z.string().nullable().optional(),
    probability: z.number().int().min(0).max(100).optional(),
    ...dealFacts,
    ...money,
  }),
  'deal.stage_changed': z.object({
    contactId: id,
    fromStageId: id.nullable(),
    toStageId: id,
    probability: z.number().int().min(0).max(100),
    ...dealFacts,
    ...money,
  }),
  'deal.won': z.object({ contactId: id, closedAt: when, createdAt: when.optional(), ...dealFacts, kind: z.string(), ...money }),
  'deal.lost': z.object({
    contactId: id,
    reason: z.string().min(1),
    closedAt: when.optional(),
    createdAt: when.optional(),
    ...dealFacts,
    ...money,
  }),
  'deal.reopened': z.object({
    contactId: id,
    stageId: id,
    probability: z.number().int().min(0).max(100),
    previousStatus: z.enum(['WON', 'LOST']),
    ...dealFacts,
    ...money,
  }),
  'activity.completed': z.object({
    kind: z.enum(['TASK', 'CALL', 'MEETING', 'EMAIL', 'NOTE']),
    contactId: id.nullable().optional(),
    dealId: id.nullable().optional(),
    ownerId: z.string().nullable().optional(),
  }),
  'ticket.opened': z.object({
    contactId: id,
    priority,
    subject: z.string(),
    channel: z.enum(TICKET_CHANNELS).optional(),
    assigneeId: userId.nullable().optional(),
    policyId: id.nullable().optional(),
    firstResponseDueAt: when.nullable().optional(),
    resolutionDueAt: when.nullable().optional(),
  }),
  'ticket.assigned': z.object({ contactId: id, assigneeId: userId.nullable(), previousAssigneeId: userId.nullable().optional() }),
  'ticket.status_changed': z.object({ contactId: id, from: ticketStatus, to: ticketStatus, at: when.optional() }),
  'ticket.first_responded': z.object({
    contactId: id,
    at: when,
    dueAt: when.nullable(),
    breached: z.boolean(),
    businessMinutes: z.number().int().nonnegative().optional(),
  }),
  'ticket.resolved': z.object({
    contactId: id,
    at: when,
    dueAt: when.nullable(),
    breached: z.boolean(),
    /** Whether the first-response target was missed (slaCompliance needs both targets). */
    firstResponseBreached: z.boolean(),
    openedAt: when.optional(),
    businessMinutes: z.number().int().nonnegative().optional(),
  }),
  'ticket.sla_breached': z.object({ contactId: id, target: z.enum(['FIRST_RESPONSE', 'RESOLUTION']), dueAt: when }),
  'survey.responded': z.object({
    contactId: id,
    kind: z.enum(['NPS', 'CSAT']),
    score: z.number().int().min(0).max(10),
    ticketId: id.nullable().optional(),
    respondedAt: when.optional(),
  }),
  'campaign.launched': z.object({
    name: z.string(),
    kind: z.string(),
    channel: z.string().nullable().optional(),
    budget: minor.nullable().optional(),
    currency: currency.optional(),
  }),
  'campaign.status_changed': z.object({
    from: z.enum(CAMPAIGN_STATUSES).nullable(),
    to: z.enum(CAMPAIGN_STATUSES),
    name: z.string().optional(),
    kind: z.enum(CAMPAIGN_KINDS).optional(),
    channel: z.enum(CAMPAIGN_CHANNELS).optional(),
  }),
  'campaign.member_added': z.object({ campaignId: id, contactId: id, addedAt: when.optional() }),
  'campaign.response_recorded': z.object({
    campaignId: id,
    contactId: id,
    responseType: z.enum(['OPENED', 'CLICKED', 'RESPONDED']),
    status: z.enum(MEMBER_STATUSES).optional(),
  }),
  'campaign.cost_recorded': z.object({ campaignId: id, actualCost: minor, note: z.string().nullable().optional(), ...money }),
  'campaign.member_converted': z.object({ campaignId: id, contactId: id, at: when }),
  'campaign.revenue_attributed': z.object({
    dealId: id,
    contactId: id,
    closedAt: when,
    ...money,
    /** One entry per campaign touched before the win; each model's amounts sum to `amount`. */
    touches: z.array(z.object({ campaignId: id, firstTouch: minor, lastTouch: minor, linear: minor })),
  }),
  /** One mutation, as it ended. Every subgraph writes it (service-kit audit.ts) into its own outbox, in the mutation's transaction or after a rollback; all go to the access topic, where access stores them. */
  'audit.recorded': z.object({
    actor: z.string().max(64),
    operation: z.string().max(100),
    targetIds: z.array(z.string().max(100)).max(100),
    outcome: z.enum(['SUCCEEDED', 'FAILED']),
    errorCode: z.string().max(40).nullable().optional(),
    at: when,
  }),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[];

/** Which service produces each event-type prefix: it decides the topic. */
const PRODUCER_OF_PREFIX: Readonly<Record<string, EventSource>> = {
  contact: 'leads',
  deal: 'pipeline',
  activity: 'pipeline',
  ticket: 'tickets',
  survey: 'tickets',
  campaign: 'campaigns',
  audit: 'access',
};

/** The producing service of an event type; an unknown prefix is a programming error, never a default. */
export function sourceOf(type: EventType): EventSource {
  const source = PRODUCER_OF_PREFIX[type.split('.')[0]];
  if (!source) throw new Error(`No producer is declared for event type ${type}`);
  return source;
}
export const topicOf = (source: EventSource) => `crm.${source}.v1`;
export const dlqTopicOf = (topic: string) => `${topic}.dlq`;
