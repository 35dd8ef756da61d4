import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed-login counting and lockout (CJIS AC-7: 5 failures in 15 minutes lock until an administrator unlocks). */
export class AddLoginLockout1795900200000 implements MigrationInterface {
  name = 'AddLoginLockout1795900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "user_account"
        ADD COLUMN "failed_login_count" integer NOT NULL DEFAULT 0,
        ADD COLUMN "failed_login_window_started_at" timestamptz,
        ADD COLUMN "locked_at" timestamptz,
        ADD CONSTRAINT "ck_user_account_failed_login_count" CHECK ("failed_login_count" >= 0);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "user_account"
        DROP CONSTRAINT "ck_user_account_failed_login_count",
        DROP COLUMN "locked_at",
        DROP COLUMN "failed_login_window_started_at",
        DROP COLUMN "failed_login_count";
    `);
  }
}
