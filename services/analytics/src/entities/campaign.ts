import { Column, Entity, PrimaryColumn } from 'typeorm';
import { minorUnits } from '@crm/service-kit';

@Entity('campaign_facts')
export class CampaignFact {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ type: 'char', length: 3, nullable: true }) currency: string | null;
  /** The latest running total of recorded costs (campaign.cost_recorded.actualCost). */
  @Column({ name: 'actual_cost', type: 'bigint', transformer: minorUnits }) actualCost: number;
}

/** A contact's membership of a campaign: the earliest time of each step seen. */
@Entity('campaign_members')
export class CampaignMemberFact {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @PrimaryColumn({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ name: 'added_at', type: 'timestamptz', precision: 3, nullable: true }) addedAt: Date | null;
  @Column({ name: 'first_response_at', type: 'timestamptz', precision: 3, nullable: true }) firstResponseAt: Date | null;
  @Column({ name: 'responded_at', type: 'timestamptz', precision: 3, nullable: true }) respondedAt: Date | null;
  @Column({ name: 'converted_at', type: 'timestamptz', precision: 3, nullable: true }) convertedAt: Date | null;
}

/** One campaign's share of one won deal, per model (computed by campaigns). */
@Entity('campaign_attributions')
export class CampaignAttribution {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ name: 'deal_id', type: 'uuid' }) dealId: string;
  @PrimaryColumn({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ name: 'closed_at', type: 'timestamptz', precision: 3 }) closedAt: Date;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ name: 'first_touch', type: 'bigint', transformer: minorUnits }) firstTouch: number;
  @Column({ name: 'last_touch', type: 'bigint', transformer: minorUnits }) lastTouch: number;
  @Column({ type: 'bigint', transformer: minorUnits }) linear: number;
}
