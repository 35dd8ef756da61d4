import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Second factor and step-up (CJIS IA-2(1)(2), IA-5(1)(d); ASVS 6.3.3, 6.5.1, 7.5.3): an encrypted TOTP
 * secret per account with the last accepted time step (a code is good once) and the run of wrong
 * codes since the last right one (guessing is bounded), single-use recovery
 * codes stored hashed, the time of each session's latest full authentication (step-up), and the
 * flag an administrator's password reset sets so the next login must choose a new password.
 */
export class AddSecondFactor1795900400000 implements MigrationInterface {
  name = 'AddSecondFactor1795900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "user_account"
        ADD COLUMN "totp_secret" text,
        ADD COLUMN "totp_enrolled_at" timestamptz,
        ADD COLUMN "totp_last_step" bigint,
        ADD COLUMN "totp_pending_secret" text,
        ADD COLUMN "second_factor_failures" integer NOT NULL DEFAULT 0,
        ADD COLUMN "must_change_password" boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT "ck_user_account_totp_enrolled"
          CHECK (("totp_secret" IS NULL) = ("totp_enrolled_at" IS NULL));

      CREATE TABLE "recovery_code" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "code_hash" varchar(64) NOT NULL,
        "created_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        CONSTRAINT "pk_recovery_code" PRIMARY KEY ("id"),
        CONSTRAINT "uq_recovery_code_user_hash" UNIQUE ("user_id", "code_hash"),
        CONSTRAINT "fk_recovery_code_user" FOREIGN KEY ("user_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );

      ALTER TABLE "user_session" ADD COLUMN "authenticated_at" timestamptz;
      UPDATE "user_session" SET "authenticated_at" = "created_at";
      ALTER TABLE "user_session" ALTER COLUMN "authenticated_at" SET NOT NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "user_session" DROP COLUMN "authenticated_at";
      DROP TABLE "recovery_code";
      ALTER TABLE "user_account"
        DROP CONSTRAINT "ck_user_account_totp_enrolled",
        DROP COLUMN "must_change_password",
        DROP COLUMN "second_factor_failures",
        DROP COLUMN "totp_pending_secret",
        DROP COLUMN "totp_last_step",
        DROP COLUMN "totp_enrolled_at",
        DROP COLUMN "totp_secret";
    `);
  }
}
