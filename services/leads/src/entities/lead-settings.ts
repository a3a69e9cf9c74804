import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ScoringRules } from '../domain/scoring';
import type { AssignmentRule } from '../domain/assignment';

/** Per-tenant thresholds and rules of the lifecycle (the README's lifecycle rules: all configurable per tenant). */
@Entity('lead_settings')
export class LeadSettings {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'scoring_rules', type: 'jsonb' }) scoringRules: ScoringRules;
  @Column({ name: 'recycle_stage', type: 'varchar', length: 10 }) recycleStage: 'MQL' | 'LEAD';
  @Column({ name: 'churn_inactivity_days', type: 'int' }) churnInactivityDays: number;
  @Column({ name: 'nps_promoter_threshold', type: 'int' }) npsPromoterThreshold: number;
  @Column({ name: 'nps_detractor_threshold', type: 'int' }) npsDetractorThreshold: number;
  @Column({ name: 'assignment_rule', type: 'jsonb', nullable: true }) assignmentRule: AssignmentRule | null;
  @Column({ name: 'assign_on', type: 'varchar', length: 10 }) assignOn: 'CAPTURE' | 'MQL';
  @Column({ name: 'assignment_cursor', type: 'int' }) assignmentCursor: number;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
}
