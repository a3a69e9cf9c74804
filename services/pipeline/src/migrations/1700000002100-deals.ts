import { MigrationInterface, QueryRunner } from 'typeorm';

/** Deals and their stage history. Composite foreign keys keep every reference inside one tenant. */
export class Deals1700000002100 implements MigrationInterface {
  name = 'Deals1700000002100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE deals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      pipeline_id uuid NOT NULL,
      stage_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      company_id uuid,
      owner_id varchar(255),
      title varchar(200) NOT NULL,
      amount bigint NOT NULL CHECK (amount BETWEEN 0 AND 10000000000000),
      currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      probability int NOT NULL CHECK (probability BETWEEN 0 AND 100),
      kind varchar(20) NOT NULL CHECK (kind IN ('NEW_BUSINESS', 'UPSELL', 'CROSS_SELL', 'RENEWAL')),
      status varchar(10) NOT NULL CHECK (status IN ('OPEN', 'WON', 'LOST')),
      expected_close_date date,
      closed_at timestamptz(3),
      lost_reason varchar(500),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      version int NOT NULL,
      CHECK ((status = 'OPEN') = (closed_at IS NULL)),
      CHECK ((status = 'LOST') = (lost_reason IS NOT NULL)),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, pipeline_id) REFERENCES pipelines (tenant_id, id),
      FOREIGN KEY (tenant_id, stage_id) REFERENCES pipeline_stages (tenant_id, id))`);
    await q.query('CREATE INDEX deals_tenant_created ON deals (tenant_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX deals_tenant_contact ON deals (tenant_id, contact_id)');
    await q.query('CREATE INDEX deals_tenant_company ON deals (tenant_id, company_id) WHERE company_id IS NOT NULL');
    await q.query('CREATE INDEX deals_tenant_stage ON deals (tenant_id, stage_id)');
    // The forecast reads open deals by expected close date and won deals by close time.
    await q.query(`CREATE INDEX deals_forecast_open ON deals (tenant_id, expected_close_date) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX deals_forecast_won ON deals (tenant_id, closed_at) WHERE status = 'WON'`);
    await q.query(`CREATE TABLE deal_stage_changes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial NOT NULL,
      tenant_id varchar(64) NOT NULL,
      deal_id uuid NOT NULL,
      from_stage_id uuid,
      to_stage_id uuid NOT NULL,
      at timestamptz(3) NOT NULL,
      amount bigint NOT NULL,
      currency char(3) NOT NULL,
      probability int NOT NULL,
      actor varchar(255),
      FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, from_stage_id) REFERENCES pipeline_stages (tenant_id, id),
      FOREIGN KEY (tenant_id, to_stage_id) REFERENCES pipeline_stages (tenant_id, id))`);
    await q.query('CREATE INDEX deal_stage_changes_deal ON deal_stage_changes (tenant_id, deal_id, seq)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deal_stage_changes; DROP TABLE deals');
  }
}
