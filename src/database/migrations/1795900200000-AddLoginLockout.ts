import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed-login tracking and lockout (CJIS AC-7: 5 failures within 15 minutes lock the account until
 * an administrator unlocks it). The times of the last failures are kept, so the window slides.
 */
export class AddLoginLockout1795900200000 implements MigrationInterface {
  name = 'AddLoginLockout1795900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "user_account"
        ADD COLUMN "recent_failures" timestamptz[] NOT NULL DEFAULT '{}',
        ADD COLUMN "locked_at" timestamptz;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "user_account" DROP COLUMN "locked_at", DROP COLUMN "recent_failures";',
    );
  }
}
