import { MigrationInterface, QueryRunner } from 'typeorm';

export class ContactStages1700000005000 implements MigrationInterface {
  name = 'ContactStages1700000005000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contact_stages (
      tenant_id varchar(64) NOT NULL,
      contact_id uuid NOT NULL,
      stage varchar(20) NOT NULL,
      stage_since timestamptz(3) NOT NULL,
      PRIMARY KEY (tenant_id, contact_id))`);
    await q.query('CREATE INDEX contact_stages_by_stage ON contact_stages (tenant_id, stage)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE contact_stages');
  }
}
