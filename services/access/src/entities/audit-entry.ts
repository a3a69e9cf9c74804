import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One mutation as it ended, from an audit.recorded event of any service (append-only). */
@Entity('audit_entries')
export class AuditEntry {
  /** The event's aggregate id: a redelivered event is the same entry. */
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 64 }) actor: string;
  @Column({ type: 'varchar', length: 100 }) operation: string;
  @Column({ name: 'target_ids', type: 'text', array: true }) targetIds: string[];
  @Column({ type: 'varchar', length: 10 }) outcome: 'SUCCEEDED' | 'FAILED';
  @Column({ name: 'error_code', type: 'varchar', length: 40, nullable: true }) errorCode: string | null;
  /** When the mutation ended; the keyset of the log (newest first). */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}
