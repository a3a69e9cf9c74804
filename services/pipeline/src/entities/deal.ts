import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { DealKind, DealStatus } from '../domain';
import { minorUnits } from '@crm/service-kit';

@Entity('deals')
export class Deal {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'pipeline_id', type: 'uuid' }) pipelineId: string;
  @Column({ name: 'stage_id', type: 'uuid' }) stageId: string;
  @Column({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ name: 'company_id', type: 'uuid', nullable: true }) companyId: string | null;
  @Column({ name: 'owner_id', type: 'varchar', length: 64, nullable: true }) ownerId: string | null;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'bigint', transformer: minorUnits }) amount: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'int' }) probability: number;
  @Column({ type: 'varchar', length: 20 }) kind: DealKind;
  @Column({ type: 'varchar', length: 10 }) status: DealStatus;
  /** YYYY-MM-DD. */
  @Column({ name: 'expected_close_date', type: 'date', nullable: true }) expectedCloseDate: string | null;
  @Column({ name: 'closed_at', type: 'timestamptz', precision: 3, nullable: true }) closedAt: Date | null;
  @Column({ name: 'lost_reason', type: 'varchar', length: 500, nullable: true }) lostReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
  @VersionColumn() version: number;
}

/** One row per stage change of a deal, append-only (creation is the first, from null). */
@Entity('deal_stage_changes')
export class DealStageChange {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Commit order (times can tie within a millisecond). */
  @Column({ type: 'bigint', insert: false, update: false, select: false }) seq: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'deal_id', type: 'uuid' }) dealId: string;
  @Column({ name: 'from_stage_id', type: 'uuid', nullable: true }) fromStageId: string | null;
  @Column({ name: 'to_stage_id', type: 'uuid' }) toStageId: string;
  @Column({ type: 'timestamptz', precision: 3 }) at: Date;
  @Column({ type: 'bigint', transformer: minorUnits }) amount: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'int' }) probability: number;
  @Column({ type: 'varchar', length: 64, nullable: true }) actor: string | null;
}
