import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1700000006000 implements MigrationInterface {
  name = 'ApiKeys1700000006000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      name varchar(100) NOT NULL,
      prefix char(10) NOT NULL UNIQUE,
      secret_hash char(64) NOT NULL,
      scopes text[] NOT NULL,
      rate_limit_per_minute int NOT NULL CHECK (rate_limit_per_minute > 0),
      created_by varchar(64) NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      last_used_at timestamptz(3),
      revoked_at timestamptz(3))`);
    await q.query('CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
  }
}
