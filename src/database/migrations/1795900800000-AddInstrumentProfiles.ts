import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instrument profiles as versioned data (domain.md §0, issue 4): for each legal basis, numbered,
 * immutable versions of its rules (mandatory fields, channels, deadlines, grounds, languages). A
 * request keeps the version it was created under; requests made before profiles existed are pinned
 * to version 1, the first one shipped.
 */
export class AddInstrumentProfiles1795900800000 implements MigrationInterface {
  name = 'AddInstrumentProfiles1795900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "instrument_profile" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "legal_basis" text NOT NULL,
        "version" integer NOT NULL,
        "body" text NOT NULL,
        "body_sha256" varchar(64) NOT NULL,
        "origin" text NOT NULL,
        "published_at" timestamptz NOT NULL,
        "published_by_id" uuid,
        CONSTRAINT "pk_instrument_profile" PRIMARY KEY ("id"),
        CONSTRAINT "uq_instrument_profile_version" UNIQUE ("legal_basis", "version"),
        CONSTRAINT "ck_instrument_profile_version" CHECK ("version" > 0),
        CONSTRAINT "ck_instrument_profile_origin" CHECK ("origin" IN ('shipped', 'published')),
        CONSTRAINT "fk_instrument_profile_published_by" FOREIGN KEY ("published_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
      ALTER TABLE "cooperation_request"
        ADD COLUMN "profile_version" integer NOT NULL DEFAULT 1,
        ADD CONSTRAINT "ck_request_profile_version" CHECK ("profile_version" > 0);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "cooperation_request" DROP CONSTRAINT "ck_request_profile_version", DROP COLUMN "profile_version";
      DROP TABLE "instrument_profile";
    `);
  }
}
