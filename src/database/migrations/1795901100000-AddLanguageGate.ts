import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The language gate (domain.md §11, issue 4 item 8): the language a request is written in, a
 * content version that moves only when its content is edited, and translations attached against
 * one content version (stale once the source moves on).
 */
export class AddLanguageGate1795901100000 implements MigrationInterface {
  name = 'AddLanguageGate1795901100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "cooperation_request"
        ADD COLUMN "language" text NOT NULL DEFAULT 'en',
        ADD COLUMN "content_version" integer NOT NULL DEFAULT 1,
        ADD CONSTRAINT "ck_request_content_version" CHECK ("content_version" > 0);

      CREATE TABLE "request_translation" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "language" text NOT NULL,
        "body" text NOT NULL,
        "source_content_version" integer NOT NULL,
        "attached_by_id" uuid NOT NULL,
        "attached_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_translation" PRIMARY KEY ("id"),
        CONSTRAINT "uq_request_translation_language" UNIQUE ("request_id", "language"),
        CONSTRAINT "fk_request_translation_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_translation_attached_by" FOREIGN KEY ("attached_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE "request_translation";
      ALTER TABLE "cooperation_request"
        DROP CONSTRAINT "ck_request_content_version",
        DROP COLUMN "content_version",
        DROP COLUMN "language";
    `);
  }
}
