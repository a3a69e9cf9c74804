import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { moneyColumn } from '@crm/service-kit';
import type { CampaignChannel, CampaignKind, CampaignStatus } from '../domain';

@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 20 }) kind: CampaignKind;
  @Column({ type: 'varchar', length: 50, nullable: true }) channel: CampaignChannel | null;
  @Column({ type: 'varchar', length: 20, default: 'DRAFT' }) status: CampaignStatus;
  @Column(moneyColumn({ nullable: true })) budget: number | null;
  @Column(moneyColumn({ name: 'actual_cost', default: 0 })) actualCost: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ name: 'starts_at', type: 'timestamptz', precision: 3, nullable: true }) startsAt: Date | null;
  @Column({ name: 'ends_at', type: 'timestamptz', precision: 3, nullable: true }) endsAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
}

/** One spend entry; the campaign's actualCost is their sum. */
@Entity('campaign_costs')
export class CampaignCost {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column(moneyColumn()) amount: number;
  @Column({ type: 'varchar', length: 500, nullable: true }) note: string | null;
  @Column({ name: 'recorded_by', type: 'varchar', length: 64, nullable: true }) recordedBy: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz', precision: 3 }) recordedAt: Date;
}
