import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who referred a contact (captureLead referrerId); Contact.referrals counts by this column. */
export class Referrals1700000001300 implements MigrationInterface {
  name = 'Referrals1700000001300';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE contacts ADD COLUMN referrer_id uuid');
    await q.query('CREATE INDEX contacts_referrer ON contacts (tenant_id, referrer_id) WHERE referrer_id IS NOT NULL');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX contacts_referrer; ALTER TABLE contacts DROP COLUMN referrer_id');
  }
}
