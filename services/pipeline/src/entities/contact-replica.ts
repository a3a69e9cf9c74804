import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The contacts leads owns, as far as pipeline needs them: that one exists in a tenant, and
 * whether it was merged away. Fed by contact.created and contact.merged, so no deal or activity
 * ever points at a contact that does not exist.
 */
@Entity('contact_replicas')
export class ContactReplica {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'merged_into', type: 'uuid', nullable: true }) mergedInto: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}
