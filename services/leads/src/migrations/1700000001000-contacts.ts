import { MigrationInterface, QueryRunner } from 'typeorm';

export class Contacts1700000001000 implements MigrationInterface {
  name = 'Contacts1700000001000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE companies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      name varchar(200) NOT NULL,
      domain varchar(253),
      industry varchar(100),
      size int,
      created_at timestamptz(3) NOT NULL DEFAULT now())`);
    await q.query('CREATE UNIQUE INDEX companies_tenant_domain ON companies (tenant_id, domain) WHERE domain IS NOT NULL');
    await q.query(`CREATE TABLE contacts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      email varchar(254) NOT NULL,
      first_name varchar(100),
      last_name varchar(100),
      job_title varchar(150),
      phone varchar(50),
      company_id uuid REFERENCES companies(id),
      source varchar(50),
      lifecycle_stage varchar(20) NOT NULL,
      score int NOT NULL DEFAULT 0,
      owner_id varchar(64),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      version int NOT NULL)`);
    await q.query('CREATE UNIQUE INDEX contacts_tenant_email ON contacts (tenant_id, email)');
    await q.query('CREATE INDEX contacts_tenant_created ON contacts (tenant_id, created_at DESC, id DESC)');
    await q.query(`CREATE TABLE stage_changes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial NOT NULL,
      tenant_id varchar(64) NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      from_stage varchar(20),
      to_stage varchar(20) NOT NULL,
      at timestamptz(3) NOT NULL,
      reason text,
      actor varchar(64),
      source varchar(10) NOT NULL)`);
    await q.query('CREATE INDEX stage_changes_contact ON stage_changes (tenant_id, contact_id, seq)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE stage_changes; DROP TABLE contacts; DROP TABLE companies');
  }
}
