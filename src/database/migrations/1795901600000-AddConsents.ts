import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent on the use of material (domain.md §8.2; scenarios 16 and 17): consent requests and their
 * decisions, the onward transfers and further uses they allow, exculpatory-disclosure notices, and
 * the message kinds that tell the other side about each.
 */
export class AddConsents1795901600000 implements MigrationInterface {
  name = 'AddConsents1795901600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "request_consent" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "purpose" text NOT NULL,
        "legal_basis" text NOT NULL,
        "new_proceeding" text,
        "recipient_state_code" varchar(2),
        "recipient_description" text,
        "requested_by_id" uuid NOT NULL,
        "requested_at" timestamptz NOT NULL,
        "decision" text,
        "conditions" jsonb NOT NULL,
        "reasons" text,
        "document_title" text,
        "document_reference" text,
        "decided_by_id" uuid,
        "decided_at" timestamptz,
        CONSTRAINT "pk_request_consent" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_consent_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_consent_recipient_state" FOREIGN KEY ("recipient_state_code") REFERENCES "state" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_consent_requested_by" FOREIGN KEY ("requested_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_consent_decided_by" FOREIGN KEY ("decided_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_request_consent_kind" CHECK ("kind" IN ('further_use', 'onward_transfer')),
        CONSTRAINT "ck_request_consent_subject" CHECK (("kind" = 'further_use' AND "new_proceeding" IS NOT NULL AND "recipient_state_code" IS NULL AND "recipient_description" IS NULL) OR ("kind" = 'onward_transfer' AND "recipient_state_code" IS NOT NULL AND "new_proceeding" IS NULL)),
        CONSTRAINT "ck_request_consent_decision" CHECK ("decision" IN ('granted', 'refused', 'conditional')),
        CONSTRAINT "ck_request_consent_decided" CHECK (("decision" IS NULL) = ("decided_at" IS NULL) AND ("decided_at" IS NULL) = ("decided_by_id" IS NULL)),
        CONSTRAINT "ck_request_consent_reasons" CHECK ("decision" <> 'refused' OR "reasons" IS NOT NULL),
        CONSTRAINT "ck_request_consent_conditions" CHECK (("decision" = 'conditional') = (jsonb_array_length("conditions") > 0)),
        CONSTRAINT "ck_request_consent_document" CHECK (("document_title" IS NULL) = ("document_reference" IS NULL))
      );
      CREATE INDEX "ix_request_consent_request" ON "request_consent" ("request_id", "requested_at");

      CREATE TABLE "request_onward_transfer" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "consent_id" uuid NOT NULL,
        "recipient_state_code" varchar(2) NOT NULL,
        "recipient_description" text NOT NULL,
        "purpose" text NOT NULL,
        "conditions" jsonb NOT NULL,
        "recorded_by_id" uuid NOT NULL,
        "recorded_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_onward_transfer" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_onward_transfer_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_onward_transfer_consent" FOREIGN KEY ("consent_id") REFERENCES "request_consent" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_onward_transfer_recipient_state" FOREIGN KEY ("recipient_state_code") REFERENCES "state" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_onward_transfer_recorded_by" FOREIGN KEY ("recorded_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
      CREATE INDEX "ix_request_onward_transfer_request" ON "request_onward_transfer" ("request_id", "recorded_at");
      CREATE INDEX "ix_request_onward_transfer_consent" ON "request_onward_transfer" ("consent_id");

      CREATE TABLE "request_further_use" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "consent_id" uuid NOT NULL,
        "proceeding" text NOT NULL,
        "purpose" text NOT NULL,
        "conditions" jsonb NOT NULL,
        "recorded_by_id" uuid NOT NULL,
        "recorded_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_further_use" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_further_use_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_further_use_consent" FOREIGN KEY ("consent_id") REFERENCES "request_consent" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_further_use_recorded_by" FOREIGN KEY ("recorded_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
      CREATE INDEX "ix_request_further_use_request" ON "request_further_use" ("request_id", "recorded_at");
      CREATE INDEX "ix_request_further_use_consent" ON "request_further_use" ("consent_id");

      CREATE TABLE "request_exculpatory_notice" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "advance_notice" boolean NOT NULL,
        "hearing_date" text,
        "description" text NOT NULL,
        "justification" text,
        "notified_by_id" uuid NOT NULL,
        "notified_at" timestamptz NOT NULL,
        "consultation_requested_by_id" uuid,
        "consultation_requested_at" timestamptz,
        "consultation_message" text,
        CONSTRAINT "pk_request_exculpatory_notice" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_exculpatory_notice_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_exculpatory_notice_notified_by" FOREIGN KEY ("notified_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_exculpatory_notice_consultation_by" FOREIGN KEY ("consultation_requested_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_request_exculpatory_notice_justified" CHECK ("advance_notice" OR "justification" IS NOT NULL),
        CONSTRAINT "ck_request_exculpatory_notice_hearing_date" CHECK ("hearing_date" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
        CONSTRAINT "ck_request_exculpatory_notice_consultation" CHECK (("consultation_requested_at" IS NULL) = ("consultation_requested_by_id" IS NULL) AND ("consultation_requested_at" IS NULL) = ("consultation_message" IS NULL))
      );
      CREATE INDEX "ix_request_exculpatory_notice_request" ON "request_exculpatory_notice" ("request_id", "notified_at");

      ALTER TABLE "request_message"
        DROP CONSTRAINT "ck_request_message_kind",
        ADD CONSTRAINT "ck_request_message_kind"
          CHECK ("kind" IN ('clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note', 'deadline_reminder', 'consultation', 'emergency_alert', 'consent_request', 'consent_decision', 'exculpatory_notice', 'consultation_request'));
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM "request_message"
        WHERE "kind" IN ('consent_request', 'consent_decision', 'exculpatory_notice', 'consultation_request');
      ALTER TABLE "request_message"
        DROP CONSTRAINT "ck_request_message_kind",
        ADD CONSTRAINT "ck_request_message_kind"
          CHECK ("kind" IN ('clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note', 'deadline_reminder', 'consultation', 'emergency_alert'));
      DROP TABLE "request_exculpatory_notice";
      DROP TABLE "request_further_use";
      DROP TABLE "request_onward_transfer";
      DROP TABLE "request_consent";
    `);
  }
}
