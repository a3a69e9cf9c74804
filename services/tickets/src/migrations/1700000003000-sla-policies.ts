import { MigrationInterface, QueryRunner } from 'typeorm';

export class SlaPolicies1700000003000 implements MigrationInterface {
  name = 'SlaPolicies1700000003000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sla_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      priority varchar(10) NOT NULL,
      first_response_minutes int NOT NULL CHECK (first_response_minutes > 0),
      resolution_minutes int NOT NULL CHECK (resolution_minutes > 0),
      UNIQUE (tenant_id, priority))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sla_policies');
  }
}
