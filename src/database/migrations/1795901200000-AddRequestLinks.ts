import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Links between requests (domain.md §4, issue 4 item 4), and the `held` deadline: once a follow-up
 * of a preservation reaches the requested side, the data stays preserved until a decision on it
 * (BUD 29(7)), so the preservation period no longer runs out.
 */
export class AddRequestLinks1795901200000 implements MigrationInterface {
  name = 'AddRequestLinks1795901200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "request_link" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "linked_request_id" uuid NOT NULL,
        "relation" text NOT NULL,
        "created_by_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_link" PRIMARY KEY ("id"),
        CONSTRAINT "uq_request_link" UNIQUE ("request_id", "linked_request_id", "relation"),
        CONSTRAINT "fk_request_link_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_link_linked" FOREIGN KEY ("linked_request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_link_created_by" FOREIGN KEY ("created_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_request_link_relation" CHECK ("relation" IN ('follow_up_of_preservation', 'extension_of', 'supersedes', 'split_from', 'related')),
        CONSTRAINT "ck_request_link_not_self" CHECK ("request_id" <> "linked_request_id")
      );
      CREATE INDEX "ix_request_link_linked" ON "request_link" ("linked_request_id");

      ALTER TABLE "request_deadline"
        DROP CONSTRAINT "ck_request_deadline_status",
        ADD CONSTRAINT "ck_request_deadline_status" CHECK ("status" IN ('open', 'met', 'expired', 'cancelled', 'held'));
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE "request_deadline" SET "status" = 'met' WHERE "status" = 'held';
      ALTER TABLE "request_deadline"
        DROP CONSTRAINT "ck_request_deadline_status",
        ADD CONSTRAINT "ck_request_deadline_status" CHECK ("status" IN ('open', 'met', 'expired', 'cancelled'));
      DROP TABLE "request_link";
    `);
  }
}
