import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agency administration (issue 3 item 6): an agency leaves the portal by deactivation, never by
 * deletion, since requests it exchanged and the audit trail keep naming it. Its sessions end with a
 * reason of their own, so the session history tells an agency's departure from an account change.
 */
export class AddAgencyDeactivation1795900700000 implements MigrationInterface {
  name = 'AddAgencyDeactivation1795900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "agency" ADD COLUMN "deactivated_at" timestamptz;
      ALTER TABLE "user_session"
        DROP CONSTRAINT "ck_user_session_revoked_reason",
        ADD CONSTRAINT "ck_user_session_revoked_reason"
          CHECK ("revoked_reason" IN ('logout', 'refresh_reuse', 'idle_timeout', 'expired', 'account_disabled', 'account_locked', 'password_changed', 'agency_deactivated', 'admin'));
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE "user_session" SET "revoked_reason" = 'admin' WHERE "revoked_reason" = 'agency_deactivated';
      ALTER TABLE "user_session"
        DROP CONSTRAINT "ck_user_session_revoked_reason",
        ADD CONSTRAINT "ck_user_session_revoked_reason"
          CHECK ("revoked_reason" IN ('logout', 'refresh_reuse', 'idle_timeout', 'expired', 'account_disabled', 'account_locked', 'password_changed', 'admin'));
      ALTER TABLE "agency" DROP COLUMN "deactivated_at";
    `);
  }
}
