import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('pipelines')
export class Pipeline {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 80 }) name: string;
  @Column({ name: 'is_default', type: 'boolean', default: false }) isDefault: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}

/** A stage is archived, never deleted, so deal history keeps pointing at it. */
@Entity('pipeline_stages')
export class PipelineStage {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ name: 'pipeline_id', type: 'uuid' }) pipelineId: string;
  @Column({ type: 'varchar', length: 80 }) name: string;
  @Column({ name: 'position', type: 'int' }) order: number;
  @Column({ type: 'int' }) probability: number;
  @Column({ name: 'forecast_category', type: 'varchar', length: 20 }) forecastCategory: string;
  @Column({ name: 'is_won', type: 'boolean', default: false }) isWon: boolean;
  @Column({ name: 'is_lost', type: 'boolean', default: false }) isLost: boolean;
  @Column({ name: 'archived_at', type: 'timestamptz', precision: 3, nullable: true }) archivedAt: Date | null;
}

/** Per-tenant pipeline settings; a tenant without a row has the defaults. */
@Entity('pipeline_settings')
export class PipelineSettings {
  @Column({ name: 'tenant_id', type: 'varchar', length: 64, primary: true }) tenantId: string;
  @Column({ name: 'auto_create_deal_on_sql', type: 'boolean', default: true }) autoCreateDealOnSql: boolean;
  @Column({ name: 'lost_reasons', type: 'text', array: true, default: () => "'{}'" }) lostReasons: string[];
  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3, default: () => 'now()' }) updatedAt: Date;
}
