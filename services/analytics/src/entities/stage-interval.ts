import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One stay of a contact in a stage: entered at an event's time, left at the next one's (null while in it). */
@Entity('stage_intervals')
export class StageInterval {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' }) eventId: string;
  @Column({ type: 'bigint', insert: false, update: false }) seq: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ name: 'from_stage', type: 'varchar', length: 20, nullable: true }) fromStage: string | null;
  @Column({ type: 'varchar', length: 20 }) stage: string;
  @Column({ type: 'varchar', length: 20, array: true }) reached: string[];
  @Column({ name: 'entered_at', type: 'timestamptz', precision: 3 }) enteredAt: Date;
  @Column({ name: 'left_at', type: 'timestamptz', precision: 3, nullable: true }) leftAt: Date | null;
}
