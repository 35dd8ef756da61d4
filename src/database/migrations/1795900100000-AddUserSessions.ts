import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Server-side sessions and rotating refresh tokens (issue 3: idle and absolute timeouts, revocation). */
export class AddUserSessions1795900100000 implements MigrationInterface {
  name = 'AddUserSessions1795900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "user_session" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "auth_method" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "last_seen_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        "revoked_reason" text,
        CONSTRAINT "pk_user_session" PRIMARY KEY ("id"),
        CONSTRAINT "fk_user_session_user" FOREIGN KEY ("user_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_user_session_revoked_reason"
          CHECK ("revoked_reason" IN ('logout', 'refresh_reuse', 'idle_timeout', 'expired', 'account_disabled', 'account_locked', 'password_changed', 'admin'))
      );
      CREATE INDEX "ix_user_session_user" ON "user_session" ("user_id");

      CREATE TABLE "refresh_token" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "session_id" uuid NOT NULL,
        "token_hash" varchar(64) NOT NULL,
        "created_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        CONSTRAINT "pk_refresh_token" PRIMARY KEY ("id"),
        CONSTRAINT "uq_refresh_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "fk_refresh_token_session" FOREIGN KEY ("session_id") REFERENCES "user_session" ("id") ON DELETE RESTRICT
      );
      CREATE INDEX "ix_refresh_token_session" ON "refresh_token" ("session_id");
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "refresh_token"; DROP TABLE "user_session";');
  }
}
