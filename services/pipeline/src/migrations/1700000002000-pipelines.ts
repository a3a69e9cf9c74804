import { MigrationInterface, QueryRunner } from 'typeorm';

/** Pipelines, their stages (archived, never deleted: deal history points at them) and tenant settings. */
export class Pipelines1700000002000 implements MigrationInterface {
  name = 'Pipelines1700000002000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE pipelines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      name varchar(80) NOT NULL,
      is_default boolean NOT NULL DEFAULT false,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id))`);
    await q.query('CREATE UNIQUE INDEX pipelines_one_default ON pipelines (tenant_id) WHERE is_default');
    await q.query('CREATE UNIQUE INDEX pipelines_tenant_name ON pipelines (tenant_id, lower(name))');
    await q.query(`CREATE TABLE pipeline_stages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      pipeline_id uuid NOT NULL,
      name varchar(80) NOT NULL,
      position int NOT NULL,
      probability int NOT NULL CHECK (probability BETWEEN 0 AND 100),
      forecast_category varchar(20) NOT NULL CHECK (forecast_category IN ('PIPELINE', 'BEST_CASE', 'COMMIT', 'CLOSED', 'OMITTED')),
      is_won boolean NOT NULL DEFAULT false,
      is_lost boolean NOT NULL DEFAULT false,
      archived_at timestamptz(3),
      CHECK (NOT (is_won AND is_lost)),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id))`);
    await q.query('CREATE UNIQUE INDEX pipeline_stages_position ON pipeline_stages (pipeline_id, position) WHERE archived_at IS NULL');
    await q.query('CREATE INDEX pipeline_stages_tenant_pipeline ON pipeline_stages (tenant_id, pipeline_id)');
    await q.query(`CREATE TABLE pipeline_settings (
      tenant_id varchar(64) PRIMARY KEY,
      auto_create_deal_on_sql boolean NOT NULL DEFAULT true,
      lost_reasons text[] NOT NULL DEFAULT '{}',
      updated_at timestamptz(3) NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pipeline_settings; DROP TABLE pipeline_stages; DROP TABLE pipelines');
  }
}
