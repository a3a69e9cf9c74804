import { MigrationInterface, QueryRunner } from 'typeorm';

export class Activities1700000002200 implements MigrationInterface {
  name = 'Activities1700000002200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE activities (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      kind varchar(10) NOT NULL CHECK (kind IN ('TASK', 'CALL', 'MEETING', 'EMAIL', 'NOTE')),
      subject varchar(200) NOT NULL,
      body text,
      due_at timestamptz(3),
      owner_id varchar(255),
      contact_id uuid,
      deal_id uuid,
      completed_at timestamptz(3),
      completed_by varchar(255),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      CHECK (contact_id IS NOT NULL OR deal_id IS NOT NULL),
      CHECK (kind <> 'NOTE' OR due_at IS NULL),
      FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id))`);
    await q.query('CREATE INDEX activities_tenant_created ON activities (tenant_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX activities_tenant_contact ON activities (tenant_id, contact_id, created_at DESC)');
    await q.query('CREATE INDEX activities_tenant_deal ON activities (tenant_id, deal_id, created_at DESC) WHERE deal_id IS NOT NULL');
    // Reminders and overdue lists read open activities by due time.
    await q.query('CREATE INDEX activities_open_due ON activities (tenant_id, due_at) WHERE completed_at IS NULL AND due_at IS NOT NULL');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE activities');
  }
}
