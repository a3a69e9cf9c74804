import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('pipelines')
export class Pipeline {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 }) tenantId: string;
  @Column({ type: 'varchar', length: 80 }) name: string;
  @Column({ name: 'is_default', type: 'boolean', default: false }) isDefault: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}

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
}
