import { MigrationInterface, QueryRunner } from 'typeorm';

/** Deal amounts are SafeInt end to end: the column's range follows MAX_AMOUNT_MINOR_UNITS (2^53 - 1). */
export class SafeIntAmounts1700000002500 implements MigrationInterface {
  name = 'SafeIntAmounts1700000002500';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE deals DROP CONSTRAINT deals_amount_check');
    await q.query('ALTER TABLE deals ADD CONSTRAINT deals_amount_check CHECK (amount BETWEEN 0 AND 9007199254740991)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE deals DROP CONSTRAINT deals_amount_check');
    await q.query('ALTER TABLE deals ADD CONSTRAINT deals_amount_check CHECK (amount BETWEEN 0 AND 10000000000000)');
  }
}
