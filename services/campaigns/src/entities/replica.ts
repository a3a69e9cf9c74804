import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PropertyVersions } from '../domain';

/**
 * campaigns' own copy of the contact properties segments select on, fed by leads' (and
 * pipeline's) events only. `createdAt` is null until contact.created arrived: such a row is
 * not a known contact yet (a deal.won can overtake it across topics).
 */
@Entity('contact_replicas')
export class ContactReplica {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'varchar', length: 20, nullable: true }) stage: string | null;
  @Column({ type: 'int', nullable: true }) score: number | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) industry: string | null;
  @Column({ name: 'company_size', type: 'int', nullable: true }) companySize: number | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) source: string | null;
  @Column({ name: 'owner_id', type: 'varchar', length: 64, nullable: true }) ownerId: string | null;
  @Column({ name: 'churn_risk', type: 'boolean', default: false }) churnRisk: boolean;
  @Column({ name: 'customer_since', type: 'timestamptz', precision: 3, nullable: true }) customerSince: Date | null;
  @Column({ name: 'last_purchase_at', type: 'timestamptz', precision: 3, nullable: true }) lastPurchaseAt: Date | null;
  @Column({ name: 'last_engagement_at', type: 'timestamptz', precision: 3, nullable: true }) lastEngagementAt: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3, nullable: true }) createdAt: Date | null;
  @Column({ name: 'referrer_id', type: 'uuid', nullable: true }) referrerId: string | null;
  @Column({ name: 'merged_into', type: 'uuid', nullable: true }) mergedInto: string | null;
  /** Per property, the occurredAt (ISO) of the event that set it. */
  @Column({ type: 'jsonb', default: {} }) versions: PropertyVersions;
}
