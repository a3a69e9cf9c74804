import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED'`;
const MEMBER_STATUSES = `'SENT', 'OPENED', 'CLICKED', 'RESPONDED', 'CONVERTED'`;

/**
 * Campaigns as docs/api.md: status machine, currency, cost entries, the contact replica that
 * segments read, members and their responses, per-deal attribution, referrals, enrolment rules.
 * Composite foreign keys keep every reference inside one tenant.
 */
export class CampaignLifecycle1700000004100 implements MigrationInterface {
  name = 'CampaignLifecycle1700000004100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns
      ADD COLUMN currency char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
      ADD COLUMN starts_at timestamptz(3),
      ADD COLUMN ends_at timestamptz(3),
      ADD COLUMN updated_at timestamptz(3) NOT NULL DEFAULT now(),
      ADD CONSTRAINT campaigns_status CHECK (status IN (${STATUSES})),
      ADD CONSTRAINT campaigns_tenant_id UNIQUE (tenant_id, id)`);
    await q.query(`CREATE TABLE campaign_costs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      campaign_id uuid NOT NULL,
      amount bigint NOT NULL CHECK (amount > 0),
      note varchar(500),
      recorded_by varchar(64),
      recorded_at timestamptz(3) NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id))`);
    await q.query('CREATE INDEX campaign_costs_campaign ON campaign_costs (tenant_id, campaign_id, recorded_at DESC)');
    // The replica: only what segments select on, each property with the event time that set it.
    await q.query(`CREATE TABLE contact_replicas (
      tenant_id varchar(64) NOT NULL,
      id uuid NOT NULL,
      stage varchar(20),
      score int,
      industry varchar(100),
      company_size int,
      source varchar(50),
      owner_id varchar(64),
      churn_risk boolean NOT NULL DEFAULT false,
      customer_since timestamptz(3),
      last_purchase_at timestamptz(3),
      last_engagement_at timestamptz(3),
      created_at timestamptz(3),
      referrer_id uuid,
      merged_into uuid,
      versions jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (tenant_id, id))`);
    await q.query(`CREATE INDEX contact_replicas_known ON contact_replicas (tenant_id, created_at DESC, id DESC)
      WHERE created_at IS NOT NULL AND merged_into IS NULL`);
    await q.query('CREATE INDEX contact_replicas_stage ON contact_replicas (tenant_id, stage)');
    await q.query(`CREATE TABLE segments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      name varchar(200) NOT NULL,
      rules jsonb NOT NULL,
      created_by varchar(64),
      created_at timestamptz(3) NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX segments_tenant_created ON segments (tenant_id, created_at DESC, id DESC)');
    await q.query(`CREATE TABLE campaign_members (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      campaign_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      status varchar(12) NOT NULL DEFAULT 'SENT' CHECK (status IN (${MEMBER_STATUSES})),
      added_at timestamptz(3) NOT NULL,
      opened_at timestamptz(3),
      clicked_at timestamptz(3),
      responded_at timestamptz(3),
      converted_at timestamptz(3),
      first_response_at timestamptz(3),
      created_at timestamptz(3) NOT NULL,
      UNIQUE (tenant_id, campaign_id, contact_id),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id))`);
    await q.query('CREATE INDEX campaign_members_page ON campaign_members (tenant_id, campaign_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX campaign_members_contact ON campaign_members (tenant_id, contact_id)');
    await q.query(`CREATE TABLE campaign_responses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      member_id uuid NOT NULL,
      response_type varchar(12) NOT NULL CHECK (response_type IN ('OPENED', 'CLICKED', 'RESPONDED')),
      at timestamptz(3) NOT NULL,
      FOREIGN KEY (tenant_id, member_id) REFERENCES campaign_members (tenant_id, id) ON DELETE CASCADE)`);
    await q.query('CREATE INDEX campaign_responses_member ON campaign_responses (tenant_id, member_id)');
    // One row per won deal seen (the idempotency key of attribution), one per (deal, campaign) share.
    await q.query(`CREATE TABLE attributed_deals (
      tenant_id varchar(64) NOT NULL,
      deal_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      amount bigint NOT NULL,
      currency char(3) NOT NULL,
      closed_at timestamptz(3) NOT NULL,
      PRIMARY KEY (tenant_id, deal_id))`);
    await q.query(`CREATE TABLE campaign_attributions (
      tenant_id varchar(64) NOT NULL,
      deal_id uuid NOT NULL,
      campaign_id uuid NOT NULL,
      first_touch bigint NOT NULL,
      last_touch bigint NOT NULL,
      linear bigint NOT NULL,
      PRIMARY KEY (tenant_id, deal_id, campaign_id),
      FOREIGN KEY (tenant_id, deal_id) REFERENCES attributed_deals (tenant_id, deal_id),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id))`);
    await q.query('CREATE INDEX campaign_attributions_campaign ON campaign_attributions (tenant_id, campaign_id)');
    await q.query(`CREATE TABLE campaign_referrals (
      tenant_id varchar(64) NOT NULL,
      referred_id uuid NOT NULL,
      referrer_id uuid NOT NULL,
      member_id uuid NOT NULL,
      referred_at timestamptz(3) NOT NULL,
      converted_at timestamptz(3),
      PRIMARY KEY (tenant_id, referred_id),
      FOREIGN KEY (tenant_id, member_id) REFERENCES campaign_members (tenant_id, id) ON DELETE CASCADE)`);
    await q.query(`CREATE TABLE enrolment_rules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      trigger varchar(20) NOT NULL CHECK (trigger IN ('DEAL_WON', 'CHURN_RISK', 'STAGE_REACHED')),
      stage varchar(20),
      campaign_id uuid NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      CHECK ((trigger = 'STAGE_REACHED') = (stage IS NOT NULL)),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id) ON DELETE CASCADE)`);
    await q.query(`CREATE UNIQUE INDEX enrolment_rules_unique ON enrolment_rules (tenant_id, trigger, coalesce(stage, ''), campaign_id)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enrolment_rules, campaign_referrals, campaign_attributions, attributed_deals, campaign_responses,
      campaign_members, segments, contact_replicas, campaign_costs`);
    await q.query(`ALTER TABLE campaigns DROP CONSTRAINT campaigns_tenant_id, DROP CONSTRAINT campaigns_status,
      DROP COLUMN updated_at, DROP COLUMN ends_at, DROP COLUMN starts_at, DROP COLUMN currency`);
  }
}
