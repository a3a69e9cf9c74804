import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditEntries1700000006100 implements MigrationInterface {
  name = 'AuditEntries1700000006100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_entries (
      id uuid PRIMARY KEY,
      tenant_id varchar(64) NOT NULL,
      actor varchar(64) NOT NULL,
      operation varchar(100) NOT NULL,
      target_ids text[] NOT NULL,
      outcome varchar(10) NOT NULL,
      error_code varchar(40),
      created_at timestamptz(3) NOT NULL)`);
    await q.query('CREATE INDEX audit_entries_by_time ON audit_entries (tenant_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX audit_entries_by_target ON audit_entries USING gin (target_ids)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_entries');
  }
}
