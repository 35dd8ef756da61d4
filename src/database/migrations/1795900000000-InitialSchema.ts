import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The walking skeleton's schema. Plain PostgreSQL 15 SQL: the same text runs on PostgreSQL and on
 * the embedded PGlite (PostgreSQL 18 inside), so nothing newer than 15 may appear here.
 * Every constraint and index is named, and the entities declare the same names, so that TypeORM's
 * schema diff is empty (tested) and generated migrations contain only real changes.
 * Values of CHECK lists are spelt out, not imported: a migration must not change when code does.
 */
export class InitialSchema1795900000000 implements MigrationInterface {
  name = 'InitialSchema1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "state" (
        "code" varchar(2) NOT NULL,
        "name" text NOT NULL,
        "legal_system" text NOT NULL,
        "languages" text[] NOT NULL,
        CONSTRAINT "pk_state" PRIMARY KEY ("code"),
        CONSTRAINT "ck_state_code" CHECK ("code" ~ '^[A-Z]{2}$'),
        CONSTRAINT "ck_state_legal_system"
          CHECK ("legal_system" IN ('civil_law', 'common_law', 'mixed', 'socialist_law', 'religious_law'))
      );

      CREATE TABLE "agency" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "code" text NOT NULL,
        "name" text NOT NULL,
        "state_code" varchar(2) NOT NULL,
        "kind" text NOT NULL,
        "time_zone" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_agency" PRIMARY KEY ("id"),
        CONSTRAINT "uq_agency_code" UNIQUE ("code"),
        CONSTRAINT "fk_agency_state" FOREIGN KEY ("state_code") REFERENCES "state" ("code") ON DELETE RESTRICT,
        CONSTRAINT "ck_agency_kind" CHECK ("kind" IN
          ('central_authority', 'competent_authority', 'contact_point_24_7', 'oversight_body', 'portal_operator'))
      );
      CREATE INDEX "ix_agency_state_kind" ON "agency" ("state_code", "kind");

      CREATE TABLE "user_account" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "username" text NOT NULL,
        "display_name" text NOT NULL,
        "agency_id" uuid NOT NULL,
        "role" text NOT NULL,
        "password_hash" text NOT NULL,
        "disabled_at" timestamptz,
        "last_login_at" timestamptz,
        "version" integer NOT NULL DEFAULT 1,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_user_account" PRIMARY KEY ("id"),
        CONSTRAINT "uq_user_account_username" UNIQUE ("username"),
        CONSTRAINT "fk_user_account_agency" FOREIGN KEY ("agency_id") REFERENCES "agency" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_user_account_username_lower" CHECK ("username" = lower("username")),
        CONSTRAINT "ck_user_account_role" CHECK ("role" IN ('liaison_officer', 'supervisor',
          'central_authority_officer', 'executing_officer', 'contact_point_operator', 'auditor', 'admin'))
      );
      CREATE INDEX "ix_user_account_agency" ON "user_account" ("agency_id");

      CREATE TABLE "cooperation_request" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "reference" text NOT NULL,
        "title" text NOT NULL,
        "type" text NOT NULL,
        "legal_basis" text NOT NULL,
        "status" text NOT NULL,
        "version" integer NOT NULL,
        "requesting_agency_id" uuid NOT NULL,
        "requesting_state_code" varchar(2) NOT NULL,
        "requested_agency_id" uuid NOT NULL,
        "requested_state_code" varchar(2) NOT NULL,
        "created_by_id" uuid NOT NULL,
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
        "approved_by_id" uuid,
        "transmitted_at" timestamptz,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "pk_cooperation_request" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_requesting_agency" FOREIGN KEY ("requesting_agency_id")
          REFERENCES "agency" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_requesting_state" FOREIGN KEY ("requesting_state_code")
          REFERENCES "state" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_requested_agency" FOREIGN KEY ("requested_agency_id")
          REFERENCES "agency" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_requested_state" FOREIGN KEY ("requested_state_code")
          REFERENCES "state" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_created_by" FOREIGN KEY ("created_by_id")
          REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_approved_by" FOREIGN KEY ("approved_by_id")
          REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_request_type" CHECK ("type" IN ('mla_general', 'preservation')),
        CONSTRAINT "ck_request_legal_basis"
          CHECK ("legal_basis" IN ('uncc', 'budapest', 'budapest_p2', 'bilateral', 'reciprocity')),
        CONSTRAINT "ck_request_status" CHECK ("status" IN ('draft', 'pending_approval', 'ready', 'transmitted',
          'received', 'clarification_requested', 'accepted', 'in_execution', 'executed', 'refused', 'withdrawn', 'closed')),
        CONSTRAINT "ck_request_version" CHECK ("version" > 0),
        CONSTRAINT "ck_request_cross_border" CHECK ("requesting_state_code" <> "requested_state_code")
      );
      CREATE INDEX "ix_request_requesting_agency_keyset"
        ON "cooperation_request" ("requesting_agency_id", "created_at", "id");
      CREATE INDEX "ix_request_requested_agency_keyset"
        ON "cooperation_request" ("requested_agency_id", "created_at", "id");
      CREATE INDEX "ix_request_requesting_state_keyset"
        ON "cooperation_request" ("requesting_state_code", "created_at", "id");

      CREATE TABLE "request_message" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "body" text NOT NULL,
        "author_id" uuid NOT NULL,
        "author_agency_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_message" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_message_request" FOREIGN KEY ("request_id")
          REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_message_author" FOREIGN KEY ("author_id")
          REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_message_author_agency" FOREIGN KEY ("author_agency_id")
          REFERENCES "agency" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_request_message_kind" CHECK ("kind" IN
          ('clarification_request', 'clarification_response', 'status_enquiry', 'status_update', 'note'))
      );
      CREATE INDEX "ix_request_message_request" ON "request_message" ("request_id", "created_at", "id");

      CREATE TABLE "audit_entry" (
        "seq" bigint NOT NULL,
        "id" uuid NOT NULL,
        "ts" timestamptz NOT NULL,
        "action" text NOT NULL,
        "outcome" text NOT NULL,
        "actor_user_id" uuid,
        "actor_agency_id" uuid,
        "actor_role" text,
        "target_type" text NOT NULL,
        "target_id" text,
        "request_id" uuid,
        "correlation_id" text,
        "body" text NOT NULL,
        "leaf_hash" varchar(64) NOT NULL,
        "chain_hash" varchar(64) NOT NULL,
        CONSTRAINT "pk_audit_entry" PRIMARY KEY ("seq"),
        CONSTRAINT "uq_audit_entry_id" UNIQUE ("id"),
        CONSTRAINT "ck_audit_entry_seq" CHECK ("seq" > 0),
        CONSTRAINT "ck_audit_entry_outcome" CHECK ("outcome" IN ('success', 'failure', 'denied')),
        CONSTRAINT "ck_audit_entry_leaf_hash" CHECK ("leaf_hash" ~ '^[0-9a-f]{64}$'),
        CONSTRAINT "ck_audit_entry_chain_hash" CHECK ("chain_hash" ~ '^[0-9a-f]{64}$')
      );
      CREATE INDEX "ix_audit_entry_request" ON "audit_entry" ("request_id", "seq");
      CREATE INDEX "ix_audit_entry_actor" ON "audit_entry" ("actor_user_id", "seq");
      CREATE INDEX "ix_audit_entry_action" ON "audit_entry" ("action", "seq");
      CREATE INDEX "ix_audit_entry_ts" ON "audit_entry" ("ts");

      -- The head is the single row every appender locks (SELECT ... FOR UPDATE): one writer at a time,
      -- so concurrent transactions and several API instances can neither fork nor gap the sequence.
      CREATE TABLE "audit_head" (
        "id" smallint NOT NULL,
        "seq" bigint NOT NULL,
        "chain_hash" varchar(64) NOT NULL,
        CONSTRAINT "pk_audit_head" PRIMARY KEY ("id"),
        CONSTRAINT "ck_audit_head_single_row" CHECK ("id" = 1),
        CONSTRAINT "ck_audit_head_seq" CHECK ("seq" >= 0),
        CONSTRAINT "ck_audit_head_chain_hash" CHECK ("chain_hash" ~ '^[0-9a-f]{64}$')
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
