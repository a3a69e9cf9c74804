import { MigrationInterface, QueryRunner } from 'typeorm';

export class Campaigns1700000004000 implements MigrationInterface {
  name = 'Campaigns1700000004000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE campaigns (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      name varchar(200) NOT NULL,
      kind varchar(20) NOT NULL,
      channel varchar(50),
      status varchar(20) NOT NULL DEFAULT 'DRAFT',
      budget bigint CHECK (budget >= 0),
      actual_cost bigint NOT NULL DEFAULT 0 CHECK (actual_cost >= 0),
      created_at timestamptz(3) NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX campaigns_tenant_created ON campaigns (tenant_id, created_at DESC, id DESC)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE campaigns');
  }
}
