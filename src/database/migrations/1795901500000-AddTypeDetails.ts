import type { MigrationInterface, QueryRunner } from 'typeorm';

const TYPES_BEFORE = `'mla_general', 'preservation'`;
const TYPES_AFTER = `'mla_general', 'preservation', 'traffic_disclosure', 'stored_data_access', 'realtime_traffic', 'interception', 'search_seizure', 'emergency_disclosure', 'subscriber_direct', 'video_hearing', 'joint_investigation', 'spontaneous_information'`;
const KINDS_BEFORE = `'clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note', 'deadline_reminder', 'consultation'`;

/**
 * The request types of domain.md §5.3-§5.14, whose own fields travel in one `details` column, and
 * the emergency track (§6.6): the portal's emergency alert message and the post-event review.
 */
export class AddTypeDetails1795901500000 implements MigrationInterface {
  name = 'AddTypeDetails1795901500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "cooperation_request"
        ADD COLUMN "details" jsonb,
        DROP CONSTRAINT "ck_request_type",
        ADD CONSTRAINT "ck_request_type" CHECK ("type" IN (${TYPES_AFTER}));
      ALTER TABLE "request_message"
        DROP CONSTRAINT "ck_request_message_portal_author",
        DROP CONSTRAINT "ck_request_message_kind",
        ADD CONSTRAINT "ck_request_message_kind" CHECK ("kind" IN (${KINDS_BEFORE}, 'emergency_alert')),
        ADD CONSTRAINT "ck_request_message_portal_author"
          CHECK (("kind" IN ('deadline_reminder', 'emergency_alert')) = ("author_id" IS NULL) AND ("author_id" IS NULL) = ("author_agency_id" IS NULL));
      CREATE TABLE "request_emergency_review" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "justified" boolean NOT NULL,
        "use_limits_respected" boolean NOT NULL,
        "notes" text NOT NULL,
        "reviewed_by_id" uuid NOT NULL,
        "reviewed_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_emergency_review" PRIMARY KEY ("id"),
        CONSTRAINT "uq_request_emergency_review_request" UNIQUE ("request_id"),
        CONSTRAINT "fk_request_emergency_review_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_emergency_review_reviewed_by" FOREIGN KEY ("reviewed_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE "request_emergency_review";
      DELETE FROM "request_message" WHERE "kind" = 'emergency_alert';
      ALTER TABLE "request_message"
        DROP CONSTRAINT "ck_request_message_portal_author",
        DROP CONSTRAINT "ck_request_message_kind",
        ADD CONSTRAINT "ck_request_message_kind" CHECK ("kind" IN (${KINDS_BEFORE})),
        ADD CONSTRAINT "ck_request_message_portal_author"
          CHECK (("kind" = 'deadline_reminder') = ("author_id" IS NULL) AND ("author_id" IS NULL) = ("author_agency_id" IS NULL));
      DELETE FROM "cooperation_request" WHERE "type" NOT IN (${TYPES_BEFORE});
      ALTER TABLE "cooperation_request"
        DROP CONSTRAINT "ck_request_type",
        ADD CONSTRAINT "ck_request_type" CHECK ("type" IN (${TYPES_BEFORE})),
        DROP COLUMN "details";
    `);
  }
}
