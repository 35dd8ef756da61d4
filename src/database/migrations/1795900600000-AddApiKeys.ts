import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Machine access (issue 3 item 5): service accounts are user rows of kind `service`, so authorship,
 * the four-eyes rule and row-level visibility apply to them unchanged; their API keys are stored as
 * SHA-256 hashes, expire within a year and can be revoked.
 */
export class AddApiKeys1795900600000 implements MigrationInterface {
  name = 'AddApiKeys1795900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "user_account"
        ADD COLUMN "kind" text NOT NULL DEFAULT 'person',
        ADD CONSTRAINT "ck_user_account_kind" CHECK ("kind" IN ('person', 'service')),
        ADD CONSTRAINT "ck_user_account_service_role" CHECK ("kind" = 'person' OR "role" IN ('liaison_officer', 'executing_officer'));

      CREATE TABLE "api_key" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "name" text NOT NULL,
        "prefix" text NOT NULL,
        "secret_hash" varchar(64) NOT NULL,
        "created_by_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        "revoked_by_id" uuid,
        "last_used_at" timestamptz,
        CONSTRAINT "pk_api_key" PRIMARY KEY ("id"),
        CONSTRAINT "uq_api_key_prefix" UNIQUE ("prefix"),
        CONSTRAINT "uq_api_key_secret_hash" UNIQUE ("secret_hash"),
        CONSTRAINT "fk_api_key_user" FOREIGN KEY ("user_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_api_key_created_by" FOREIGN KEY ("created_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_api_key_revoked_by" FOREIGN KEY ("revoked_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_api_key_lifetime" CHECK ("expires_at" > "created_at" AND "expires_at" <= "created_at" + interval '366 days'),
        CONSTRAINT "ck_api_key_revocation" CHECK (("revoked_at" IS NULL) = ("revoked_by_id" IS NULL))
      );
      CREATE INDEX "ix_api_key_user" ON "api_key" ("user_id");
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE "api_key";
      ALTER TABLE "user_account"
        DROP CONSTRAINT "ck_user_account_service_role",
        DROP CONSTRAINT "ck_user_account_kind",
        DROP COLUMN "kind";
    `);
  }
}
