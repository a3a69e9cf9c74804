import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { MemberStatus } from '../domain';

@Entity('campaign_members')
export class CampaignMember {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ type: 'varchar', length: 12 }) status: MemberStatus;
  @Column({ name: 'added_at', type: 'timestamptz', precision: 3 }) addedAt: Date;
  @Column({ name: 'opened_at', type: 'timestamptz', precision: 3, nullable: true }) openedAt: Date | null;
  @Column({ name: 'clicked_at', type: 'timestamptz', precision: 3, nullable: true }) clickedAt: Date | null;
  @Column({ name: 'responded_at', type: 'timestamptz', precision: 3, nullable: true }) respondedAt: Date | null;
  @Column({ name: 'converted_at', type: 'timestamptz', precision: 3, nullable: true }) convertedAt: Date | null;
  /** The touch time of attribution (docs/kpis.md): the first response of any type. */
  @Column({ name: 'first_response_at', type: 'timestamptz', precision: 3, nullable: true }) firstResponseAt: Date | null;
  /** Equals addedAt; named for the shared keyset pagination. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}

/** Every response, including one lower than the member's status. */
@Entity('campaign_responses')
export class CampaignResponse {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'member_id', type: 'uuid' }) memberId: string;
  @Column({ name: 'response_type', type: 'varchar', length: 12 }) responseType: string;
  @Column({ type: 'timestamptz', precision: 3 }) at: Date;
}

/** A referred contact credited to the referrer's REFERRAL campaign membership. */
@Entity('campaign_referrals')
export class CampaignReferral {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ name: 'referred_id', type: 'uuid' }) referredId: string;
  @Column({ name: 'referrer_id', type: 'uuid' }) referrerId: string;
  @Column({ name: 'member_id', type: 'uuid' }) memberId: string;
  @Column({ name: 'referred_at', type: 'timestamptz', precision: 3 }) referredAt: Date;
  @Column({ name: 'converted_at', type: 'timestamptz', precision: 3, nullable: true }) convertedAt: Date | null;
}
