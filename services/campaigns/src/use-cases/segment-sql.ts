import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { tenantRepository } from '@crm/service-kit';
import { ContactReplica } from '../entities';
import type { SegmentRules } from '../domain';

type Qb = SelectQueryBuilder<ContactReplica>;

// Each rule is one condition on the replica (alias r) with its value bound as a parameter:
// the WHERE is built from the rules, never from their values.
const CONDITIONS: { [K in keyof Required<SegmentRules>]: string } = {
  stages: 'r.stage = ANY(:stages)',
  minScore: 'coalesce(r.score, 0) >= :minScore',
  maxScore: 'coalesce(r.score, 0) <= :maxScore',
  industries: 'lower(r.industry) = ANY(:industries)',
  minCompanySize: 'r.company_size >= :minCompanySize',
  maxCompanySize: 'r.company_size <= :maxCompanySize',
  sources: 'lower(r.source) = ANY(:sources)',
  ownerIds: 'r.owner_id = ANY(:ownerIds)',
  churnRisk: 'r.churn_risk = :churnRisk',
  customerSinceBefore: 'r.customer_since < :customerSinceBefore',
  // Never purchased counts as "no purchase since": a RECONQUEST segment wants both.
  lastPurchaseBefore: '(r.last_purchase_at IS NULL OR r.last_purchase_at < :lastPurchaseBefore)',
  lastEngagementBefore: '(r.last_engagement_at IS NULL OR r.last_engagement_at < :lastEngagementBefore)',
  lastEngagementAfter: 'r.last_engagement_at >= :lastEngagementAfter',
  createdAfter: 'r.created_at >= :createdAfter',
  createdBefore: 'r.created_at < :createdBefore',
};

/** Known contacts of the tenant matching every rule (one parameterised WHERE). */
export function segmentQuery(m: EntityManager, tenantId: string, rules: SegmentRules): Qb {
  const qb = tenantRepository(m, ContactReplica, tenantId)
    .query('r')
    .andWhere('r.created_at IS NOT NULL')
    .andWhere('r.merged_into IS NULL');
  for (const key of Object.keys(CONDITIONS) as Array<keyof SegmentRules>) {
    const value = rules[key];
    if (value !== undefined && value !== null) qb.andWhere(CONDITIONS[key], { [key]: value });
  }
  return qb;
}
