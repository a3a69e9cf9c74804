import { MigrationInterface, QueryRunner } from 'typeorm';

/** pipeline's replica of leads' contacts (contact.created / contact.merged): what a deal may point at. */
export class ContactReplicas1700000002400 implements MigrationInterface {
  name = 'ContactReplicas1700000002400';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contact_replicas (
      tenant_id varchar(64) NOT NULL,
      id uuid NOT NULL,
      merged_into uuid,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id))`);
    // Contacts that deals and activities already point at were real when they were written.
    await q.query(`INSERT INTO contact_replicas (tenant_id, id)
      SELECT tenant_id, contact_id FROM deals UNION SELECT tenant_id, contact_id FROM activities WHERE contact_id IS NOT NULL
      ON CONFLICT DO NOTHING`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE contact_replicas');
  }
}
