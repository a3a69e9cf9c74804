import { MigrationInterface, QueryRunner } from 'typeorm';

/** One user-id width everywhere (service-kit MAX_USER_ID_LENGTH = 64, as the gateway accepts). */
export class UserIdWidth1700000002300 implements MigrationInterface {
  name = 'UserIdWidth1700000002300';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deals ALTER COLUMN owner_id TYPE varchar(64)`);
    await q.query(`ALTER TABLE deal_stage_changes ALTER COLUMN actor TYPE varchar(64)`);
    await q.query(`ALTER TABLE activities ALTER COLUMN owner_id TYPE varchar(64), ALTER COLUMN completed_by TYPE varchar(64)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deals ALTER COLUMN owner_id TYPE varchar(255)`);
    await q.query(`ALTER TABLE deal_stage_changes ALTER COLUMN actor TYPE varchar(255)`);
    await q.query(`ALTER TABLE activities ALTER COLUMN owner_id TYPE varchar(255), ALTER COLUMN completed_by TYPE varchar(255)`);
  }
}
