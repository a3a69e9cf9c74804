import { moneyColumn } from '@crm/service-kit';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

@Entity('contacts')
export class Contact {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 254 }) email: string;
  @Column({ name: 'first_name', type: 'varchar', length: 100, nullable: true }) firstName: string | null;
  @Column({ name: 'last_name', type: 'varchar', length: 100, nullable: true }) lastName: string | null;
  @Column({ name: 'job_title', type: 'varchar', length: 150, nullable: true }) jobTitle: string | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) phone: string | null;
  @Column({ name: 'company_id', type: 'uuid', nullable: true }) companyId: string | null;
  @Column({ type: 'varchar', length: 50, nullable: true }) source: string | null;
  @Column({ name: 'lifecycle_stage', type: 'varchar', length: 20 }) lifecycleStage: string;
  @Column({ type: 'int', default: 0 }) score: number;
  @Column({ name: 'owner_id', type: 'varchar', length: 64, nullable: true }) ownerId: string | null;
  @Column({ name: 'fit_score', type: 'int', default: 0 }) fitScore: number;
  @Column({ name: 'engagement_score', type: 'int', default: 0 }) engagementScore: number;
  /** Stated budget in minor units (a fit criterion). */
  @Column(moneyColumn({ nullable: true })) budget: number | null;
  /** ISO 3166 alpha-2, for territory assignment. */
  @Column({ type: 'varchar', length: 2, nullable: true }) country: string | null;
  /** An NPS detractor (score <= threshold) among customers. */
  @Column({ name: 'churn_risk', type: 'boolean', default: false }) churnRisk: boolean;
  @Column({ name: 'customer_since', type: 'timestamptz', precision: 3, nullable: true }) customerSince: Date | null;
  @Column({ name: 'last_purchase_at', type: 'timestamptz', precision: 3, nullable: true }) lastPurchaseAt: Date | null;
  @Column({ name: 'last_engagement_at', type: 'timestamptz', precision: 3, nullable: true }) lastEngagementAt: Date | null;
  /** Who referred this contact (captureLead referrerId, first capture only). */
  @Column({ name: 'referrer_id', type: 'uuid', nullable: true }) referrerId: string | null;
  @Column({ name: 'repeat_purchases', type: 'int', default: 0 }) repeatPurchases: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
  @VersionColumn() version: number;
}
