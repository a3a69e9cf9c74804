import { MigrationInterface, QueryRunner } from 'typeorm';

/** The read-model tables, in one list so a rebuild can create shadow copies of exactly these. */
export const READ_MODEL_TABLES = [
  'contact_stages',
  'contact_facts',
  'stage_intervals',
  'stage_reaches',
  'deal_facts',
  'deal_states',
  'ticket_facts',
  'ticket_statuses',
  'ticket_resolutions',
  'survey_facts',
  'campaign_facts',
  'campaign_members',
  'campaign_attributions',
] as const;

/**
 * Facts keyed by entity id carrying event times; every report aggregates them at query time with
 * indexed SQL, so the same set of events gives the same numbers in any cross-topic order.
 */
export class ReadModels1700000005100 implements MigrationInterface {
  name = 'ReadModels1700000005100';
  async up(q: QueryRunner): Promise<void> {
    // Reports are short indexed aggregates: JIT compilation costs more than it saves (where allowed).
    await q.query(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
      EXCEPTION WHEN insufficient_privilege THEN NULL; END $$`);
    await q.query(`CREATE TABLE contact_facts (
      tenant_id varchar(64) NOT NULL, contact_id uuid NOT NULL,
      source varchar(100), captured_at timestamptz(3), merged_into uuid,
      PRIMARY KEY (tenant_id, contact_id))`);
    await q.query('CREATE INDEX contact_facts_cohort ON contact_facts (tenant_id, source, captured_at)');
    // One row per stage entry; left_at is the next entry's time, recomputed per contact on insert.
    await q.query(`CREATE TABLE stage_intervals (
      event_id uuid PRIMARY KEY, seq bigserial NOT NULL,
      tenant_id varchar(64) NOT NULL, contact_id uuid NOT NULL,
      from_stage varchar(20), stage varchar(20) NOT NULL, reached varchar(20)[] NOT NULL,
      entered_at timestamptz(3) NOT NULL, left_at timestamptz(3),
      -- the contact was merged away (set whichever of the merge and this entry arrives first)
      excluded boolean NOT NULL DEFAULT false)`);
    await q.query('CREATE INDEX stage_intervals_contact ON stage_intervals (tenant_id, contact_id, entered_at, seq)');
    // One row per stage an entry reached (the stage entered and those a forward move skipped);
    // prev_at is the same contact's previous reach of that stage, so "distinct contacts that
    // reached s in [from, to)" is a plain count of the reaches with prev_at before `from`.
    await q.query(`CREATE TABLE stage_reaches (
      event_id uuid NOT NULL, stage varchar(20) NOT NULL, seq bigserial NOT NULL,
      tenant_id varchar(64) NOT NULL, contact_id uuid NOT NULL, at timestamptz(3) NOT NULL, prev_at timestamptz(3),
      excluded boolean NOT NULL DEFAULT false,
      PRIMARY KEY (event_id, stage))`);
    await q.query('CREATE INDEX stage_reaches_at ON stage_reaches (tenant_id, at) INCLUDE (stage, prev_at) WHERE NOT excluded');
    await q.query('CREATE INDEX stage_reaches_contact ON stage_reaches (tenant_id, contact_id) INCLUDE (stage, at, prev_at, excluded)');
    await q.query(
      'CREATE INDEX stage_intervals_left ON stage_intervals (tenant_id, left_at) INCLUDE (stage, entered_at) WHERE NOT excluded',
    );
    await q.query(
      'CREATE INDEX stage_intervals_current ON stage_intervals (tenant_id, stage, entered_at) WHERE left_at IS NULL AND NOT excluded',
    );
    await q.query(
      'CREATE INDEX stage_intervals_stage ON stage_intervals (tenant_id, stage, entered_at) INCLUDE (left_at, contact_id) WHERE NOT excluded',
    );
    await q.query(`CREATE TABLE deal_facts (
      tenant_id varchar(64) NOT NULL, deal_id uuid NOT NULL, contact_id uuid NOT NULL,
      pipeline_id uuid, owner_id varchar(64), kind varchar(20), stage_id uuid, stage_name varchar(200),
      probability int NOT NULL, amount bigint NOT NULL, currency char(3) NOT NULL, status varchar(10) NOT NULL,
      created_at timestamptz(3) NOT NULL, closed_at timestamptz(3), lost_reason varchar(500),
      -- when the state the last event left began (a deal whose last_at is before \`to\` was in this state at \`to\`)
      last_at timestamptz(3) NOT NULL,
      PRIMARY KEY (tenant_id, deal_id))`);
    await q.query('CREATE INDEX deal_facts_closed ON deal_facts (tenant_id, closed_at) WHERE closed_at IS NOT NULL');
    await q.query(`CREATE INDEX deal_facts_open ON deal_facts (tenant_id, last_at)
      INCLUDE (stage_id, stage_name, amount, probability, currency, pipeline_id, owner_id) WHERE status = 'OPEN'`);
    await q.query('CREATE INDEX deal_facts_last ON deal_facts (tenant_id, last_at)');
    await q.query('CREATE INDEX deal_facts_contact ON deal_facts (tenant_id, contact_id)');
    // The deal after each of its events (for "open at `to`": the last state before it).
    await q.query(`CREATE TABLE deal_states (
      seq bigserial PRIMARY KEY, tenant_id varchar(64) NOT NULL, deal_id uuid NOT NULL, at timestamptz(3) NOT NULL,
      status varchar(10) NOT NULL, stage_id uuid, stage_name varchar(200), probability int NOT NULL,
      amount bigint NOT NULL, currency char(3) NOT NULL, pipeline_id uuid, owner_id varchar(64))`);
    await q.query('CREATE INDEX deal_states_deal ON deal_states (tenant_id, deal_id, seq)');
    await q.query(`CREATE TABLE ticket_facts (
      tenant_id varchar(64) NOT NULL, ticket_id uuid NOT NULL, contact_id uuid, priority varchar(10), opened_at timestamptz(3),
      first_responded_at timestamptz(3), first_response_due_at timestamptz(3), first_response_breached boolean, first_response_minutes int,
      -- the latest status by event time, and that time
      status varchar(10), status_at timestamptz(3),
      PRIMARY KEY (tenant_id, ticket_id))`);
    await q.query('CREATE INDEX ticket_facts_status ON ticket_facts (tenant_id, status_at) INCLUDE (status)');
    await q.query('CREATE INDEX ticket_facts_opened ON ticket_facts (tenant_id, opened_at)');
    await q.query('CREATE INDEX ticket_facts_responded ON ticket_facts (tenant_id, first_responded_at)');
    await q.query(`CREATE TABLE ticket_statuses (
      seq bigserial PRIMARY KEY, tenant_id varchar(64) NOT NULL, ticket_id uuid NOT NULL, at timestamptz(3) NOT NULL, status varchar(10) NOT NULL)`);
    await q.query('CREATE INDEX ticket_statuses_ticket ON ticket_statuses (tenant_id, ticket_id, seq)');
    await q.query(`CREATE TABLE ticket_resolutions (
      tenant_id varchar(64) NOT NULL, ticket_id uuid NOT NULL, at timestamptz(3) NOT NULL, due_at timestamptz(3),
      breached boolean NOT NULL, first_response_breached boolean NOT NULL, opened_at timestamptz(3), minutes int,
      PRIMARY KEY (tenant_id, ticket_id, at))`);
    await q.query('CREATE INDEX ticket_resolutions_at ON ticket_resolutions (tenant_id, at)');
    await q.query(`CREATE TABLE survey_facts (
      tenant_id varchar(64) NOT NULL, survey_id uuid NOT NULL, contact_id uuid NOT NULL, kind varchar(4) NOT NULL,
      score int NOT NULL, responded_at timestamptz(3) NOT NULL, PRIMARY KEY (tenant_id, survey_id))`);
    await q.query('CREATE INDEX survey_facts_at ON survey_facts (tenant_id, kind, responded_at)');
    await q.query(`CREATE TABLE campaign_facts (
      tenant_id varchar(64) NOT NULL, campaign_id uuid NOT NULL, currency char(3), actual_cost bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, campaign_id))`);
    await q.query(`CREATE TABLE campaign_members (
      tenant_id varchar(64) NOT NULL, campaign_id uuid NOT NULL, contact_id uuid NOT NULL,
      added_at timestamptz(3), first_response_at timestamptz(3), responded_at timestamptz(3), converted_at timestamptz(3),
      PRIMARY KEY (tenant_id, campaign_id, contact_id))`);
    await q.query(`CREATE TABLE campaign_attributions (
      tenant_id varchar(64) NOT NULL, deal_id uuid NOT NULL, campaign_id uuid NOT NULL, closed_at timestamptz(3) NOT NULL,
      currency char(3) NOT NULL, first_touch bigint NOT NULL, last_touch bigint NOT NULL, linear bigint NOT NULL,
      PRIMARY KEY (tenant_id, deal_id, campaign_id))`);
    await q.query('CREATE INDEX campaign_attributions_campaign ON campaign_attributions (tenant_id, campaign_id)');
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of READ_MODEL_TABLES.filter((t) => t !== 'contact_stages')) await q.query(`DROP TABLE ${t}`);
  }
}
