import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { moneyColumn } from '@crm/service-kit';
import type { SegmentRules } from '../domain';

@Entity('segments')
export class Segment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  /** Validated rules, dates as ISO strings. */
  @Column({ type: 'jsonb' }) rules: SegmentRules;
  @Column({ name: 'created_by', type: 'varchar', length: 64, nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}

@Entity('enrolment_rules')
export class EnrolmentRule {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 20 }) trigger: 'DEAL_WON' | 'CHURN_RISK' | 'STAGE_REACHED';
  @Column({ type: 'varchar', length: 20, nullable: true }) stage: string | null;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}

/** A deal's attributed share to one campaign under each model (minor units of the deal currency). */
@Entity('campaign_attributions')
export class CampaignAttribution {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ name: 'deal_id', type: 'uuid' }) dealId: string;
  @PrimaryColumn({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column(moneyColumn({ name: 'first_touch' })) firstTouch: number;
  @Column(moneyColumn({ name: 'last_touch' })) lastTouch: number;
  @Column(moneyColumn()) linear: number;
}
