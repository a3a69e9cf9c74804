import { MigrationInterface, QueryRunner } from 'typeorm';

export class Pipelines1700000002000 implements MigrationInterface {
  name = 'Pipelines1700000002000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE pipelines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      name varchar(80) NOT NULL,
      is_default boolean NOT NULL DEFAULT false,
      created_at timestamptz(3) NOT NULL DEFAULT now())`);
    await q.query('CREATE UNIQUE INDEX pipelines_one_default ON pipelines (tenant_id) WHERE is_default');
    await q.query(`CREATE TABLE pipeline_stages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      pipeline_id uuid NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
      name varchar(80) NOT NULL,
      position int NOT NULL,
      probability int NOT NULL CHECK (probability BETWEEN 0 AND 100),
      forecast_category varchar(20) NOT NULL,
      is_won boolean NOT NULL DEFAULT false,
      is_lost boolean NOT NULL DEFAULT false,
      UNIQUE (pipeline_id, position))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pipeline_stages; DROP TABLE pipelines');
  }
}
