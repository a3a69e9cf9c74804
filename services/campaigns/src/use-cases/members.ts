import type { EntityManager } from 'typeorm';
import { emitMany } from '@crm/events';
import { badInput, distinctUuids, domainError, isUuid, notFound, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { Campaign, CampaignMember, CampaignResponse } from '../entities';
import { checkAcceptsMembers, RESPONSE_COLUMN, ResponseType, statusAfterResponse } from '../domain';
import { lockCampaign } from './campaigns';
import { findSegment } from './segments';
import { segmentQuery } from './segment-sql';
import { unknownContacts, updateReplica } from './replica';

export const MAX_CONTACT_IDS = 1000;
/** Events per outbox statement when a segment adds many members. */
const EMIT_CHUNK = 5000;

interface Added {
  id: string;
  contact_id: string;
  added_at: Date;
}

/** One campaign.member_added per new member (set-based, in chunks). */
async function emitAdded(m: EntityManager, tenantId: string, campaignId: string, rows: Added[], actor: string | null): Promise<void> {
  for (let i = 0; i < rows.length; i += EMIT_CHUNK) {
    await emitMany(
      m,
      rows.slice(i, i + EMIT_CHUNK).map((r) => ({
        type: 'campaign.member_added' as const,
        tenantId,
        aggregateId: r.id,
        actor,
        occurredAt: r.added_at,
        data: { campaignId, contactId: r.contact_id, addedAt: r.added_at.toISOString() },
      })),
    );
  }
}

/**
 * Inserts the contacts a SELECT yields (its one column is the contact id; `params` are its
 * $1..$n) as members, once per campaign: INSERT ... SELECT ... ON CONFLICT DO NOTHING.
 */
async function insertMembers(
  m: EntityManager,
  tenantId: string,
  campaignId: string,
  select: string,
  params: unknown[],
  at: Date,
  actor: string | null,
): Promise<number> {
  const n = params.length;
  const rows: Added[] = await m.query(
    `INSERT INTO campaign_members (tenant_id, campaign_id, contact_id, status, added_at, created_at)
     SELECT $${n + 1}::varchar, $${n + 2}::uuid, s.contact_id, 'SENT', $${n + 3}::timestamptz, $${n + 3}::timestamptz FROM (${select}) AS s(contact_id)
     ON CONFLICT (tenant_id, campaign_id, contact_id) DO NOTHING
     RETURNING id, contact_id, added_at`,
    [...params, tenantId, campaignId, at],
  );
  await emitAdded(m, tenantId, campaignId, rows, actor);
  return rows.length;
}

export interface AddMembersInput {
  campaignId: string;
  contactIds?: string[] | null;
  segmentId?: string | null;
}

/** addCampaignMembers: by ids and/or by segment, deduped; never into a completed or cancelled campaign. */
/** `at`: when they were added (default now; the demo seed places its story in the past). */
export async function addCampaignMembers(m: EntityManager, actor: Actor, input: AddMembersInput, at = new Date()): Promise<Campaign> {
  const campaign = await lockCampaign(m, actor.tenantId, input.campaignId);
  const ids = input.contactIds ?? [];
  if (!ids.length && !input.segmentId) throw badInput('contactIds', 'Give contactIds or a segmentId');
  if (ids.length > MAX_CONTACT_IDS)
    throw badInput('contactIds', `contactIds takes at most ${MAX_CONTACT_IDS} ids (use a segment for more)`);
  const bad = ids.find((id) => !isUuid(id));
  if (bad !== undefined) throw badInput('contactIds', `contactIds: ${bad} is not a UUID`);
  checkAcceptsMembers(campaign.status);
  const segment = input.segmentId ? await findSegment(m, actor.tenantId, input.segmentId) : null;
  const contactIds = distinctUuids(ids);
  const missing = contactIds.length ? await unknownContacts(m, actor.tenantId, contactIds) : [];
  if (missing.length)
    throw domainError('NOT_FOUND', `Contact ${missing[0]} not found`, { id: missing[0], ids: missing, field: 'contactIds' });
  if (contactIds.length) await insertMembers(m, actor.tenantId, campaign.id, 'SELECT unnest($1::uuid[])', [contactIds], at, actor.userId);
  if (segment) {
    const [sql, params] = segmentQuery(m, actor.tenantId, segment.rules).select('r.id').getQueryAndParameters();
    await insertMembers(m, actor.tenantId, campaign.id, sql, params, at, actor.userId);
  }
  return campaign;
}

/**
 * recordCampaignResponse: the response is always recorded; the status only moves forward and
 * each timestamp is set once. The contact's last engagement in the replica moves with it.
 */
export async function recordCampaignResponse(
  m: EntityManager,
  actor: Actor,
  input: { campaignId: string; contactId: string; type: ResponseType },
  at = new Date(),
): Promise<CampaignMember> {
  const campaignId = requireUuid(input.campaignId, 'campaignId');
  const contactId = requireUuid(input.contactId, 'contactId');
  if (!RESPONSE_COLUMN[input.type]) throw badInput('type', 'type must be OPENED, CLICKED or RESPONDED');
  if (!(await tenantRepository(m, Campaign, actor.tenantId).count({ id: campaignId })))
    throw notFound('Campaign', campaignId, 'campaignId');
  const members = tenantRepository(m, CampaignMember, actor.tenantId);
  const member = await members.findOneForUpdate({ campaignId, contactId });
  if (!member) throw notFound('Campaign member', contactId, 'contactId');
  const responses = tenantRepository(m, CampaignResponse, actor.tenantId);
  await responses.save(responses.create({ memberId: member.id, responseType: input.type, at }));
  member.status = statusAfterResponse(member.status, input.type);
  member[RESPONSE_COLUMN[input.type]] ??= at;
  member.firstResponseAt ??= at;
  const saved = await members.save(member);
  await updateReplica(m, actor.tenantId, contactId, { lastEngagementAt: at }, at);
  await emitMany(m, [
    {
      type: 'campaign.response_recorded',
      tenantId: actor.tenantId,
      aggregateId: saved.id,
      actor: actor.userId,
      occurredAt: at,
      data: { campaignId, contactId, responseType: input.type, status: saved.status },
    },
  ]);
  return saved;
}

/** Enrols one contact into each of the given campaigns that is ACTIVE (once per campaign). */
export async function enrolContact(
  m: EntityManager,
  tenantId: string,
  contactId: string,
  campaignIds: string[],
  at: Date,
  actor: string | null,
): Promise<number> {
  if (!campaignIds.length) return 0;
  let added = 0;
  for (const campaignId of campaignIds) {
    added += await insertMembers(
      m,
      tenantId,
      campaignId,
      `SELECT $1::uuid FROM campaigns WHERE tenant_id = $2 AND id = $3 AND status = 'ACTIVE'`,
      [contactId, tenantId, campaignId],
      at,
      actor,
    );
  }
  return added;
}
