import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One per tenant and priority; `version` grows with each change (tickets snapshot it at open). */
@Entity('sla_policies')
export class SlaPolicy {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 10 }) priority: string;
  @Column({ name: 'first_response_minutes', type: 'int' }) firstResponseMinutes: number;
  @Column({ name: 'resolution_minutes', type: 'int' }) resolutionMinutes: number;
  @Column({ type: 'int', default: 1 }) version: number;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
}
