import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row per lifecycle move, append-only: the contact's full stage history. */
@Entity('stage_changes')
export class StageChange {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Commit order of the moves (times can tie within a millisecond). */
  @Column({ type: 'bigint', insert: false, update: false, select: false }) seq: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ name: 'from_stage', type: 'varchar', length: 20, nullable: true }) fromStage: string | null;
  @Column({ name: 'to_stage', type: 'varchar', length: 20 }) toStage: string;
  @Column({ type: 'timestamptz', precision: 3 }) at: Date;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) actor: string | null;
  @Column({ type: 'varchar', length: 10 }) source: string;
}
