import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES_BEFORE = `'draft', 'pending_approval', 'ready', 'transmitted', 'received', 'clarification_requested', 'accepted', 'in_execution', 'executed', 'refused', 'withdrawn', 'lapsed', 'closed'`;
const KINDS_BEFORE = `'clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note', 'deadline_reminder'`;

/**
 * The whole lifecycle of domain.md §6 (issue 4 item 3): waiting for a translation after approval,
 * assessment and routing to an executing
 * agency, clarification rounds that send a new version of the request (kept, so both sides can see
 * what changed), consultation and the conditions offered in it, postponement, and execution with an
 * outcome per requested item.
 */
export class AddLifecycleDepth1795901400000 implements MigrationInterface {
  name = 'AddLifecycleDepth1795901400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "cooperation_request"
        DROP CONSTRAINT "ck_request_status",
        ADD CONSTRAINT "ck_request_status" CHECK ("status" IN (${STATUSES_BEFORE}, 'pending_translation', 'under_assessment', 'answer_pending_approval', 'in_consultation', 'conditions_proposed', 'postponed', 'partially_executed', 'recipient_cannot_comply')),
        ADD COLUMN "executing_agency_id" uuid,
        ADD COLUMN "clarification" jsonb,
        ADD COLUMN "consultation" jsonb,
        ADD COLUMN "postponement" jsonb,
        ADD COLUMN "item_outcomes" jsonb,
        ADD CONSTRAINT "fk_request_executing_agency" FOREIGN KEY ("executing_agency_id") REFERENCES "agency" ("id") ON DELETE RESTRICT;
      CREATE INDEX "ix_request_executing_agency_keyset" ON "cooperation_request" ("executing_agency_id", "created_at", "id");

      ALTER TABLE "request_message"
        DROP CONSTRAINT "ck_request_message_kind",
        ADD CONSTRAINT "ck_request_message_kind" CHECK ("kind" IN (${KINDS_BEFORE}, 'consultation'));

      CREATE TABLE "request_content_version" (
        "request_id" uuid NOT NULL,
        "content_version" integer NOT NULL,
        "content" jsonb NOT NULL,
        "sent_by_id" uuid NOT NULL,
        "sent_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_content_version" PRIMARY KEY ("request_id", "content_version"),
        CONSTRAINT "fk_request_content_version_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_content_version_sent_by" FOREIGN KEY ("sent_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );

      CREATE TABLE "request_condition" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "type" text NOT NULL,
        "text" text NOT NULL,
        "status" text NOT NULL,
        "proposed_by_id" uuid NOT NULL,
        "proposed_at" timestamptz NOT NULL,
        "ordinal" integer NOT NULL,
        "decided_by_id" uuid,
        "decided_at" timestamptz,
        CONSTRAINT "pk_request_condition" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_condition_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_condition_proposed_by" FOREIGN KEY ("proposed_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_condition_decided_by" FOREIGN KEY ("decided_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_request_condition_status" CHECK ("status" IN ('proposed', 'accepted', 'rejected')),
        CONSTRAINT "ck_request_condition_decided" CHECK (("status" = 'proposed') = ("decided_at" IS NULL))
      );
      CREATE INDEX "ix_request_condition_request" ON "request_condition" ("request_id", "proposed_at", "ordinal");
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE "request_condition";
      DROP TABLE "request_content_version";
      DELETE FROM "request_message" WHERE "kind" = 'consultation';
      ALTER TABLE "request_message"
        DROP CONSTRAINT "ck_request_message_kind",
        ADD CONSTRAINT "ck_request_message_kind" CHECK ("kind" IN (${KINDS_BEFORE}));
      DROP INDEX "ix_request_executing_agency_keyset";
      ALTER TABLE "cooperation_request"
        DROP CONSTRAINT "fk_request_executing_agency",
        DROP COLUMN "item_outcomes",
        DROP COLUMN "postponement",
        DROP COLUMN "consultation",
        DROP COLUMN "clarification",
        DROP COLUMN "executing_agency_id",
        DROP CONSTRAINT "ck_request_status",
        ADD CONSTRAINT "ck_request_status" CHECK ("status" IN (${STATUSES_BEFORE}));
    `);
  }
}
