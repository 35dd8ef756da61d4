import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The walking skeleton's schema. Plain PostgreSQL 15 SQL: the same text runs on PostgreSQL and on
 * the embedded PGlite (PostgreSQL 18 inside), so nothing newer than 15 may appear here.
 * Values of CHECK lists are spelt out, not imported: a migration must not change when code does.
 */
export class InitialSchema1795900000000 implements MigrationInterface {
  name = 'InitialSchema1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "state" (
        "code" varchar(2) PRIMARY KEY CHECK ("code" ~ '^[A-Z]{2}$'),
        "name" text NOT NULL,
        "legal_system" text NOT NULL
          CHECK ("legal_system" IN ('civil_law', 'common_law', 'mixed', 'socialist_law', 'religious_law')),
        "languages" text[] NOT NULL
      );

      CREATE TABLE "agency" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "code" text NOT NULL UNIQUE,
        "name" text NOT NULL,
        "state_code" varchar(2) NOT NULL REFERENCES "state" ("code") ON DELETE RESTRICT,
        "kind" text NOT NULL CHECK ("kind" IN
          ('central_authority', 'competent_authority', 'contact_point_24_7', 'oversight_body', 'portal_operator')),
        "time_zone" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX "ix_agency_state_kind" ON "agency" ("state_code", "kind");

      CREATE TABLE "user_account" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "username" text NOT NULL UNIQUE CHECK ("username" = lower("username")),
        "display_name" text NOT NULL,
        "agency_id" uuid NOT NULL REFERENCES "agency" ("id") ON DELETE RESTRICT,
        "role" text NOT NULL CHECK ("role" IN ('liaison_officer', 'supervisor', 'central_authority_officer',
          'executing_officer', 'contact_point_operator', 'auditor', 'admin')),
        "password_hash" text NOT NULL,
        "disabled_at" timestamptz,
        "last_login_at" timestamptz,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX "ix_user_account_agency" ON "user_account" ("agency_id");

      CREATE TABLE "cooperation_request" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "reference" text NOT NULL,
        "title" text NOT NULL,
        "type" text NOT NULL CHECK ("type" IN ('mla_general', 'preservation')),
        "legal_basis" text NOT NULL CHECK ("legal_basis" IN ('uncc', 'budapest', 'budapest_p2', 'bilateral', 'reciprocity')),
        "status" text NOT NULL CHECK ("status" IN ('draft', 'pending_approval', 'ready', 'transmitted', 'received',
          'clarification_requested', 'accepted', 'in_execution', 'executed', 'refused', 'withdrawn', 'closed')),
        "version" integer NOT NULL CHECK ("version" > 0),
        "requesting_agency_id" uuid NOT NULL REFERENCES "agency" ("id") ON DELETE RESTRICT,
        "requesting_state_code" varchar(2) NOT NULL REFERENCES "state" ("code") ON DELETE RESTRICT,
        "requested_agency_id" uuid NOT NULL REFERENCES "agency" ("id") ON DELETE RESTRICT,
        "requested_state_code" varchar(2) NOT NULL REFERENCES "state" ("code") ON DELETE RESTRICT,
        "created_by_id" uuid NOT NULL REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        "editor_ids" uuid[] NOT NULL DEFAULT '{}',
        "urgency" jsonb NOT NULL,
        "offences" jsonb NOT NULL,
        "facts_summary" text NOT NULL,
        "assistance_sought" jsonb NOT NULL,
        "purpose" text NOT NULL,
        "subjects" jsonb NOT NULL,
        "targets" jsonb NOT NULL,
        "time_range" jsonb,
        "confidentiality" jsonb NOT NULL,
        "preservation" jsonb,
        "refusal" jsonb,
        "submitted_at" timestamptz,
        "approved_at" timestamptz,
        "approved_by_id" uuid REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        "transmitted_at" timestamptz,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "ck_request_cross_border" CHECK ("requesting_state_code" <> "requested_state_code")
      );
      CREATE INDEX "ix_request_requesting_agency_keyset"
        ON "cooperation_request" ("requesting_agency_id", "created_at", "id");
      CREATE INDEX "ix_request_requested_agency_keyset"
        ON "cooperation_request" ("requested_agency_id", "created_at", "id");
      CREATE INDEX "ix_request_requesting_state_keyset"
        ON "cooperation_request" ("requesting_state_code", "created_at", "id");

      CREATE TABLE "request_message" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        "kind" text NOT NULL CHECK ("kind" IN
          ('clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note')),
        "body" text NOT NULL,
        "author_id" uuid NOT NULL REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        "author_agency_id" uuid NOT NULL REFERENCES "agency" ("id") ON DELETE RESTRICT,
        "created_at" timestamptz NOT NULL
      );
      CREATE INDEX "ix_request_message_request" ON "request_message" ("request_id", "created_at", "id");

      CREATE TABLE "audit_entry" (
        "seq" bigint PRIMARY KEY CHECK ("seq" > 0),
        "id" uuid NOT NULL UNIQUE,
        "ts" timestamptz NOT NULL,
        "action" text NOT NULL,
        "outcome" text NOT NULL CHECK ("outcome" IN ('success', 'failure', 'denied')),
        "actor_user_id" uuid,
        "actor_agency_id" uuid,
        "actor_role" text,
        "target_type" text NOT NULL,
        "target_id" text,
        "request_id" uuid,
        "correlation_id" text,
        "body" text NOT NULL,
        "leaf_hash" varchar(64) NOT NULL CHECK ("leaf_hash" ~ '^[0-9a-f]{64}$'),
        "chain_hash" varchar(64) NOT NULL CHECK ("chain_hash" ~ '^[0-9a-f]{64}$')
      );
      CREATE INDEX "ix_audit_entry_request" ON "audit_entry" ("request_id", "seq");
      CREATE INDEX "ix_audit_entry_actor" ON "audit_entry" ("actor_user_id", "seq");
      CREATE INDEX "ix_audit_entry_action" ON "audit_entry" ("action", "seq");
      CREATE INDEX "ix_audit_entry_ts" ON "audit_entry" ("ts");

      -- The head is the single row every appender locks (SELECT ... FOR UPDATE): one writer at a time,
      -- so concurrent transactions and several API instances can neither fork nor gap the sequence.
      CREATE TABLE "audit_head" (
        "id" smallint PRIMARY KEY CHECK ("id" = 1),
        "seq" bigint NOT NULL CHECK ("seq" >= 0),
        "chain_hash" varchar(64) NOT NULL CHECK ("chain_hash" ~ '^[0-9a-f]{64}$')
      );
      INSERT INTO "audit_head" ("id", "seq", "chain_hash") VALUES (1, 0, repeat('0', 64));

      CREATE FUNCTION "audit_entry_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;
      CREATE TRIGGER "audit_entry_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_entry"
        FOR EACH ROW EXECUTE FUNCTION "audit_entry_is_append_only"();
      CREATE TRIGGER "audit_entry_no_truncate" BEFORE TRUNCATE ON "audit_entry"
        FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_is_append_only"();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE "audit_head";
      DROP TRIGGER "audit_entry_no_truncate" ON "audit_entry";
      DROP TRIGGER "audit_entry_no_update_or_delete" ON "audit_entry";
      DROP TABLE "audit_entry";
      DROP FUNCTION "audit_entry_is_append_only"();
      DROP TABLE "request_message";
      DROP TABLE "cooperation_request";
      DROP TABLE "user_account";
      DROP TABLE "agency";
      DROP TABLE "state";
    `);
  }
}
