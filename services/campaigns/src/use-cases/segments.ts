import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { notFound, paginate, PageArgs, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { ContactReplica, Segment } from '../entities';
import { SegmentRulesInput, validateSegmentRules, validName } from '../domain';
import { segmentQuery } from './segment-sql';

/** createSegment: rules checked by the domain rules, stored normalised. */
export async function createSegment(m: EntityManager, actor: Actor, input: { name: string; rules: SegmentRulesInput }): Promise<Segment> {
  const name = validName(input.name);
  const rules = validateSegmentRules(input.rules);
  const repo = tenantRepository(m, Segment, actor.tenantId);
  return repo.save(repo.create({ name, rules, createdBy: actor.userId }));
}

export async function findSegment(m: EntityManager, tenantId: string, id: string, field = 'segmentId'): Promise<Segment> {
  const segment = await tenantRepository(m, Segment, tenantId).findOne({ id: requireUuid(id, field) });
  if (!segment) throw notFound('Segment', id, field);
  return segment;
}

export const listSegments = (m: EntityManager, tenantId: string) =>
  tenantRepository(m, Segment, tenantId).find({ order: { createdAt: 'DESC', id: 'DESC' } });

/** How many contacts match the segment now. */
export const segmentContactCount = (m: EntityManager, tenantId: string, segment: Segment) =>
  segmentQuery(m, tenantId, segment.rules).getCount();

type KnownContact = ContactReplica & { createdAt: Date };

/** The matching contacts, newest first (keyset pages on the replica's created_at, id; known rows have one). */
export const segmentContacts = (m: EntityManager, tenantId: string, segment: Segment, page: PageArgs) =>
  paginate(segmentQuery(m, tenantId, segment.rules) as unknown as SelectQueryBuilder<KnownContact>, 'r', page);
