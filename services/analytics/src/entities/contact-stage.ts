import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Read model: each contact's current stage as the events tell it (never read from leads' DB). */
@Entity('contact_stages')
export class ContactStage {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ type: 'varchar', length: 20 }) stage: string;
  @Column({ name: 'stage_since', type: 'timestamptz', precision: 3 }) stageSince: Date;
}
