import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ActivityKind } from '../domain';

/** A task, call, meeting, email or note on a contact and/or a deal. */
@Entity('activities')
export class Activity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 10 }) kind: ActivityKind;
  @Column({ type: 'varchar', length: 200 }) subject: string;
  @Column({ type: 'text', nullable: true }) body: string | null;
  @Column({ name: 'due_at', type: 'timestamptz', precision: 3, nullable: true }) dueAt: Date | null;
  @Column({ name: 'owner_id', type: 'varchar', length: 64, nullable: true }) ownerId: string | null;
  @Column({ name: 'contact_id', type: 'uuid', nullable: true }) contactId: string | null;
  @Column({ name: 'deal_id', type: 'uuid', nullable: true }) dealId: string | null;
  @Column({ name: 'completed_at', type: 'timestamptz', precision: 3, nullable: true }) completedAt: Date | null;
  @Column({ name: 'completed_by', type: 'varchar', length: 64, nullable: true }) completedBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
}
