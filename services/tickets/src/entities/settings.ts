import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Weekday } from '../domain';

/** A tenant's business hours (no row = the default calendar). */
@Entity('business_hours')
export class BusinessHours {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'text', array: true }) weekdays: Weekday[];
  @Column({ name: 'opens_at_minute', type: 'int' }) opensAtMinute: number;
  @Column({ name: 'closes_at_minute', type: 'int' }) closesAtMinute: number;
  @Column({ name: 'time_zone', type: 'varchar', length: 64 }) timeZone: string;
  @Column({ type: 'text', array: true }) holidays: string[];
}

/** Support agents for the round-robin, and where it stands. */
@Entity('ticket_settings')
export class TicketSettings {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'support_agent_ids', type: 'text', array: true }) supportAgentIds: string[];
  @Column({ name: 'next_agent_index', type: 'int' }) nextAgentIndex: number;
}

/** The local replica of leads' contacts: which ids exist in a tenant, and where merged ones went. */
@Entity('contact_refs')
export class ContactRef {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'merged_into', type: 'uuid', nullable: true }) mergedInto: string | null;
}

@Entity('survey_responses')
export class SurveyResponse {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'contact_id', type: 'uuid' }) contactId: string;
  @Column({ name: 'ticket_id', type: 'uuid', nullable: true }) ticketId: string | null;
  @Column({ type: 'varchar', length: 4 }) kind: 'NPS' | 'CSAT';
  @Column({ type: 'int' }) score: number;
  @Column({ type: 'text', nullable: true }) comment: string | null;
  @Column({ name: 'responded_at', type: 'timestamptz', precision: 3 }) respondedAt: Date;
}
