import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TicketChannel, TicketPriority, TicketStatus } from '../domain';

const ms = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };
const at = (name: string, nullable = true) => ({ name, type: 'timestamptz', precision: 3, nullable }) as const;

/** A support ticket with its SLA clock (domain/sla-clock.ts SlaState: same field names). */
@Entity('tickets')
export class Ticket {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ type: 'varchar', length: 200 }) subject: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'varchar', length: 10 }) status: TicketStatus;
  @Column({ type: 'varchar', length: 10 }) priority: TicketPriority;
  @Column({ type: 'varchar', length: 10 }) channel: TicketChannel;
  @Column({ name: 'assignee_id', type: 'varchar', length: 64, nullable: true }) assigneeId: string | null;
  @Column({ name: 'sla_policy_id', type: 'uuid', nullable: true }) policyId: string | null;
  @Column({ name: 'sla_policy_version', type: 'int', nullable: true }) policyVersion: number | null;
  @Column({ name: 'first_response_minutes', type: 'int' }) firstResponseMinutes: number;
  @Column({ name: 'resolution_minutes', type: 'int' }) resolutionMinutes: number;
  @Column({ name: 'sla_elapsed_ms', type: 'bigint', transformer: ms }) elapsedMs: number;
  @Column(at('sla_running_since')) runningSince: Date | null;
  @Column(at('first_response_due_at', false)) firstResponseDueAt: Date;
  @Column(at('resolution_due_at', false)) resolutionDueAt: Date;
  @Column(at('first_responded_at')) firstRespondedAt: Date | null;
  @Column(at('resolved_at')) resolvedAt: Date | null;
  @Column(at('first_response_breached_at')) firstResponseBreachedAt: Date | null;
  @Column(at('resolution_breached_at')) resolutionBreachedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
}

@Entity('ticket_comments')
export class TicketComment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'ticket_id', type: 'uuid' }) ticketId: string;
  @Column({ type: 'text' }) body: string;
  @Column({ type: 'boolean' }) internal: boolean;
  /** The agent's user id, or the contact's id when the contact wrote it. */
  @Column({ name: 'author_id', type: 'varchar', length: 64, nullable: true }) authorId: string | null;
  @Column({ name: 'from_contact', type: 'boolean', default: false }) fromContact: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}
