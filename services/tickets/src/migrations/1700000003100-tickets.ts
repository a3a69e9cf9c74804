import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tickets with their SLA clock, comments, business hours, round-robin settings, the contact
 * replica and survey responses. Composite foreign keys keep every reference inside one tenant.
 */
export class Tickets1700000003100 implements MigrationInterface {
  name = 'Tickets1700000003100';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sla_policies
      ADD COLUMN version int NOT NULL DEFAULT 1,
      ADD COLUMN updated_at timestamptz(3) NOT NULL DEFAULT now(),
      ADD UNIQUE (tenant_id, id)`);
    await q.query(`CREATE TABLE contact_refs (
      tenant_id varchar(64) NOT NULL,
      id uuid NOT NULL,
      merged_into uuid,
      PRIMARY KEY (tenant_id, id))`);
    await q.query(`CREATE TABLE tickets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      contact_id uuid NOT NULL,
      subject varchar(200) NOT NULL,
      description text,
      status varchar(10) NOT NULL CHECK (status IN ('NEW', 'OPEN', 'PENDING', 'RESOLVED', 'CLOSED')),
      priority varchar(10) NOT NULL CHECK (priority IN ('LOW', 'NORMAL', 'HIGH', 'URGENT')),
      channel varchar(10) NOT NULL CHECK (channel IN ('EMAIL', 'CHAT', 'PHONE', 'WEB', 'API')),
      assignee_id varchar(64),
      sla_policy_id uuid,
      sla_policy_version int,
      first_response_minutes int NOT NULL CHECK (first_response_minutes > 0),
      resolution_minutes int NOT NULL CHECK (resolution_minutes > 0),
      sla_elapsed_ms bigint NOT NULL DEFAULT 0,
      sla_running_since timestamptz(3),
      first_response_due_at timestamptz(3) NOT NULL,
      resolution_due_at timestamptz(3) NOT NULL,
      first_responded_at timestamptz(3),
      resolved_at timestamptz(3),
      first_response_breached_at timestamptz(3),
      resolution_breached_at timestamptz(3),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      CHECK ((status IN ('RESOLVED', 'CLOSED')) = (resolved_at IS NOT NULL)),
      CHECK (sla_running_since IS NULL OR status IN ('NEW', 'OPEN')),
      UNIQUE (tenant_id, id),
      FOREIGN KEY (tenant_id, sla_policy_id) REFERENCES sla_policies (tenant_id, id))`);
    await q.query('CREATE INDEX tickets_tenant_created ON tickets (tenant_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX tickets_tenant_contact ON tickets (tenant_id, contact_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX tickets_tenant_assignee ON tickets (tenant_id, assignee_id) WHERE assignee_id IS NOT NULL');
    // The breach job: running clocks with an unmarked pending target, by due time (all tenants).
    await q.query(`CREATE INDEX tickets_first_response_due ON tickets (first_response_due_at)
      WHERE sla_running_since IS NOT NULL AND first_responded_at IS NULL AND first_response_breached_at IS NULL`);
    await q.query(`CREATE INDEX tickets_resolution_due ON tickets (resolution_due_at)
      WHERE sla_running_since IS NOT NULL AND resolved_at IS NULL AND resolution_breached_at IS NULL`);
    await q.query(`CREATE TABLE ticket_comments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      ticket_id uuid NOT NULL,
      body text NOT NULL,
      internal boolean NOT NULL,
      author_id varchar(64),
      from_contact boolean NOT NULL DEFAULT false,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE)`);
    await q.query('CREATE INDEX ticket_comments_ticket ON ticket_comments (tenant_id, ticket_id, created_at)');
    await q.query(`CREATE TABLE business_hours (
      tenant_id varchar(64) PRIMARY KEY,
      weekdays text[] NOT NULL,
      opens_at_minute int NOT NULL CHECK (opens_at_minute BETWEEN 0 AND 1440),
      closes_at_minute int NOT NULL CHECK (closes_at_minute BETWEEN 0 AND 1440),
      time_zone varchar(64) NOT NULL,
      holidays text[] NOT NULL DEFAULT '{}',
      CHECK (opens_at_minute < closes_at_minute))`);
    await q.query(`CREATE TABLE ticket_settings (
      tenant_id varchar(64) PRIMARY KEY,
      support_agent_ids text[] NOT NULL DEFAULT '{}',
      next_agent_index int NOT NULL DEFAULT 0)`);
    await q.query(`CREATE TABLE survey_responses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id varchar(64) NOT NULL,
      contact_id uuid NOT NULL,
      ticket_id uuid,
      kind varchar(4) NOT NULL CHECK (kind IN ('NPS', 'CSAT')),
      score int NOT NULL CHECK ((kind = 'NPS' AND score BETWEEN 0 AND 10) OR (kind = 'CSAT' AND score BETWEEN 1 AND 5)),
      comment text,
      responded_at timestamptz(3) NOT NULL DEFAULT now(),
      FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id))`);
    await q.query('CREATE INDEX survey_responses_latest ON survey_responses (tenant_id, contact_id, kind, responded_at DESC, id DESC)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE survey_responses, ticket_settings, business_hours, ticket_comments, tickets, contact_refs');
    await q.query('ALTER TABLE sla_policies DROP COLUMN version, DROP COLUMN updated_at');
  }
}
