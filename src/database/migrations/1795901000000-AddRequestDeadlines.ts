import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines (issue 4 item 6): computed from the request's profile when their starting event happens,
 * stored as UTC instants, warned about and expired by a job; portal-written reminders (messages with
 * no author); and the `lapsed` status a preservation period ends in when nobody acts.
 */
export class AddRequestDeadlines1795901000000 implements MigrationInterface {
  name = 'AddRequestDeadlines1795901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "request_deadline" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "name" text NOT NULL,
        "starts_at" timestamptz NOT NULL,
        "due_at" timestamptz NOT NULL,
        "on_expiry" text NOT NULL,
        "warn_before_days" integer[] NOT NULL DEFAULT '{}',
        "next_warning_at" timestamptz,
        "status" text NOT NULL,
        "settled_at" timestamptz,
        CONSTRAINT "pk_request_deadline" PRIMARY KEY ("id"),
        CONSTRAINT "uq_request_deadline_name" UNIQUE ("request_id", "name"),
        CONSTRAINT "fk_request_deadline_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_request_deadline_status" CHECK ("status" IN ('open', 'met', 'expired', 'cancelled')),
        CONSTRAINT "ck_request_deadline_order" CHECK ("due_at" >= "starts_at")
      );
      CREATE INDEX "ix_request_deadline_due" ON "request_deadline" ("due_at") WHERE "status" = 'open';
      CREATE INDEX "ix_request_deadline_warning" ON "request_deadline" ("next_warning_at") WHERE "status" = 'open';

      ALTER TABLE "request_message"
        ALTER COLUMN "author_id" DROP NOT NULL,
        ALTER COLUMN "author_agency_id" DROP NOT NULL,
        DROP CONSTRAINT "ck_request_message_kind",
        ADD CONSTRAINT "ck_request_message_kind"
          CHECK ("kind" IN ('clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note', 'deadline_reminder')),
        ADD CONSTRAINT "ck_request_message_portal_author"
          CHECK (("kind" = 'deadline_reminder') = ("author_id" IS NULL) AND ("author_id" IS NULL) = ("author_agency_id" IS NULL));

      ALTER TABLE "cooperation_request"
        DROP CONSTRAINT "ck_request_status",
        ADD CONSTRAINT "ck_request_status"
          CHECK ("status" IN ('draft', 'pending_approval', 'ready', 'transmitted', 'received', 'clarification_requested', 'accepted', 'in_execution', 'executed', 'refused', 'withdrawn', 'lapsed', 'closed'));
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "cooperation_request"
        DROP CONSTRAINT "ck_request_status",
        ADD CONSTRAINT "ck_request_status"
          CHECK ("status" IN ('draft', 'pending_approval', 'ready', 'transmitted', 'received', 'clarification_requested', 'accepted', 'in_execution', 'executed', 'refused', 'withdrawn', 'closed'));
      DELETE FROM "request_message" WHERE "kind" = 'deadline_reminder';
      ALTER TABLE "request_message"
        DROP CONSTRAINT "ck_request_message_portal_author",
        DROP CONSTRAINT "ck_request_message_kind",
        ADD CONSTRAINT "ck_request_message_kind"
          CHECK ("kind" IN ('clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note')),
        ALTER COLUMN "author_agency_id" SET NOT NULL,
        ALTER COLUMN "author_id" SET NOT NULL;
      DROP TABLE "request_deadline";
    `);
  }
}
