import { MigrationInterface, QueryRunner } from 'typeorm';

/** Scoring, engagement, purchases (replica of pipeline's deals), touches and tenant settings. */
export class LifecycleRules1700000001100 implements MigrationInterface {
  name = 'LifecycleRules1700000001100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts
      ADD COLUMN fit_score int NOT NULL DEFAULT 0,
      ADD COLUMN engagement_score int NOT NULL DEFAULT 0,
      ADD COLUMN budget bigint,
      ADD COLUMN country varchar(2),
      ADD COLUMN churn_risk boolean NOT NULL DEFAULT false,
      ADD COLUMN customer_since timestamptz(3),
      ADD COLUMN last_purchase_at timestamptz(3),
      ADD COLUMN last_engagement_at timestamptz(3),
      ADD COLUMN repeat_purchases int NOT NULL DEFAULT 0`);
    await q.query('CREATE INDEX contacts_tenant_stage ON contacts (tenant_id, lifecycle_stage)');
    await q.query('CREATE INDEX contacts_tenant_owner ON contacts (tenant_id, owner_id)');
    await q.query('CREATE INDEX contacts_tenant_score ON contacts (tenant_id, score)');
    await q.query('CREATE INDEX contacts_tenant_company ON contacts (tenant_id, company_id)');
    await q.query(`CREATE TABLE contact_touches (
      id bigserial PRIMARY KEY,
      tenant_id varchar(64) NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      source varchar(50),
      campaign_id uuid,
      at timestamptz(3) NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX contact_touches_contact ON contact_touches (tenant_id, contact_id)');
    await q.query(`CREATE TABLE contact_engagements (
      id bigserial PRIMARY KEY,
      tenant_id varchar(64) NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      kind varchar(20) NOT NULL,
      at timestamptz(3) NOT NULL)`);
    await q.query('CREATE INDEX contact_engagements_contact ON contact_engagements (tenant_id, contact_id, at)');
    await q.query(`CREATE TABLE contact_deals (
      tenant_id varchar(64) NOT NULL,
      deal_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      status varchar(10) NOT NULL,
      PRIMARY KEY (tenant_id, deal_id))`);
    await q.query('CREATE INDEX contact_deals_contact ON contact_deals (tenant_id, contact_id, status)');
    await q.query(`CREATE TABLE lead_settings (
      tenant_id varchar(64) PRIMARY KEY,
      scoring_rules jsonb NOT NULL,
      recycle_stage varchar(10) NOT NULL DEFAULT 'MQL',
      churn_inactivity_days int NOT NULL DEFAULT 180,
      nps_promoter_threshold int NOT NULL DEFAULT 9,
      nps_detractor_threshold int NOT NULL DEFAULT 6,
      assignment_rule jsonb,
      assign_on varchar(10) NOT NULL DEFAULT 'MQL',
      assignment_cursor int NOT NULL DEFAULT 0,
      updated_at timestamptz(3) NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE lead_settings; DROP TABLE contact_deals; DROP TABLE contact_engagements; DROP TABLE contact_touches');
  }
}
