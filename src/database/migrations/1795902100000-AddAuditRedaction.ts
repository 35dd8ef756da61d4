import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of the audit log (issue 6, item 7; security.md §4.3 "Retention (AU-11)", AUD-07): an
 * entry past its retention period, with no legal hold, has its body replaced by a redaction marker
 * while `leaf_hash` and `chain_hash` stay, so every proof and checkpoint still verifies.
 *
 * The UPDATE trigger of `audit_entry` is narrowed rather than dropped: the one update it lets
 * through is an unredacted row becoming redacted, with the body set to exactly the marker
 * `audit_redaction_marker` gives for that row, the personal projection columns (actor_user_id,
 * target_id, correlation_id) emptied, and nothing else changed. Un-redacting, a second redaction,
 * any other UPDATE, DELETE and TRUNCATE still raise, for the owner too.
 *
 * `audit_legal_hold` keeps a request's entries from redaction while a hold on it is active. A hold
 * is set (INSERT) and lifted (one UPDATE of the lift columns); it is never deleted or rewritten, so
 * that what kept an entry, and for how long, stays on record beside the audit entries that say so.
 */
export class AddAuditRedaction1795902100000 implements MigrationInterface {
  name = 'AddAuditRedaction1795902100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "audit_entry" ADD COLUMN "redacted_at" timestamptz;

      CREATE FUNCTION "audit_redaction_marker"(p_seq bigint, p_id uuid, p_ts timestamptz, p_action text, p_leaf_hash text)
        RETURNS text LANGUAGE sql STABLE AS $fn$
        SELECT '{"id":' || to_json(p_id::text)::text
          || ',"leafHash":' || to_json(p_leaf_hash)::text
          || ',"redacted":true,"seq":' || p_seq::text
          || ',"ts":' || to_json(to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text
          || ',"type":' || to_json(p_action)::text || '}'
      $fn$;

      CREATE FUNCTION "audit_entry_only_redaction"() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        -- A purge entry is the record that accounts for the redactions it names: never redacted itself.
        IF OLD."redacted_at" IS NULL AND NEW."redacted_at" IS NOT NULL AND OLD."action" <> 'audit.redact'
          AND NEW."seq" = OLD."seq" AND NEW."id" = OLD."id" AND NEW."ts" = OLD."ts"
          AND NEW."action" = OLD."action" AND NEW."outcome" = OLD."outcome"
          AND NEW."actor_agency_id" IS NOT DISTINCT FROM OLD."actor_agency_id"
          AND NEW."actor_role" IS NOT DISTINCT FROM OLD."actor_role"
          AND NEW."target_type" = OLD."target_type"
          AND NEW."request_id" IS NOT DISTINCT FROM OLD."request_id"
          AND NEW."leaf_hash" = OLD."leaf_hash" AND NEW."chain_hash" = OLD."chain_hash"
          AND NEW."actor_user_id" IS NULL AND NEW."target_id" IS NULL AND NEW."correlation_id" IS NULL
          AND NEW."body" = "audit_redaction_marker"(OLD."seq", OLD."id", OLD."ts", OLD."action", OLD."leaf_hash")
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_entry is append-only: UPDATE refused (only the redaction of an unredacted entry is allowed)'
          USING ERRCODE = 'insufficient_privilege';
      END;
      $fn$;

      DROP TRIGGER "audit_entry_no_update_or_delete" ON "audit_entry";
      CREATE TRIGGER "audit_entry_no_delete" BEFORE DELETE ON "audit_entry"
        FOR EACH ROW EXECUTE FUNCTION "audit_entry_is_append_only"();
      CREATE TRIGGER "audit_entry_only_redaction" BEFORE UPDATE ON "audit_entry"
        FOR EACH ROW EXECUTE FUNCTION "audit_entry_only_redaction"();

      CREATE TABLE "audit_legal_hold" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "reason" text NOT NULL,
        "set_by_id" uuid,
        "set_at" timestamptz NOT NULL,
        "lifted_by_id" uuid,
        "lifted_at" timestamptz,
        "lift_reason" text,
        CONSTRAINT "ck_audit_legal_hold_lifted" CHECK (("lifted_at" IS NULL) = ("lift_reason" IS NULL)),
        CONSTRAINT "pk_audit_legal_hold" PRIMARY KEY ("id"),
        CONSTRAINT "fk_audit_legal_hold_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request"("id")
      );
      CREATE INDEX "ix_audit_legal_hold_request" ON "audit_legal_hold" ("request_id", "lifted_at");

      CREATE FUNCTION "audit_legal_hold_only_lift"() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD."lifted_at" IS NULL AND NEW."lifted_at" IS NOT NULL
          AND NEW."lift_reason" IS NOT NULL
          AND NEW."id" = OLD."id" AND NEW."request_id" = OLD."request_id" AND NEW."reason" = OLD."reason"
          AND NEW."set_by_id" IS NOT DISTINCT FROM OLD."set_by_id" AND NEW."set_at" = OLD."set_at"
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_legal_hold is append-only: % refused (a hold may only be lifted, once)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END;
      $fn$;
      CREATE TRIGGER "audit_legal_hold_only_lift" BEFORE UPDATE OR DELETE ON "audit_legal_hold"
        FOR EACH ROW EXECUTE FUNCTION "audit_legal_hold_only_lift"();
      CREATE TRIGGER "audit_legal_hold_no_truncate" BEFORE TRUNCATE ON "audit_legal_hold"
        FOR EACH STATEMENT EXECUTE FUNCTION "audit_tree_is_append_only"();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Without the column a redacted entry would look like a body that no longer hashes to its leaf.
    const [redacted] = (await queryRunner.query(
      'SELECT count(*) AS "count" FROM "audit_entry" WHERE "redacted_at" IS NOT NULL',
    )) as Array<{ count: string }>;
    if (Number(redacted?.count ?? 0) > 0)
      throw new Error(
        'audit_entry holds redacted entries: the log cannot go back to a schema without redaction',
      );
    await queryRunner.query(`
      DROP TABLE "audit_legal_hold";
      DROP FUNCTION "audit_legal_hold_only_lift"();
      DROP TRIGGER "audit_entry_only_redaction" ON "audit_entry";
      DROP TRIGGER "audit_entry_no_delete" ON "audit_entry";
      CREATE TRIGGER "audit_entry_no_update_or_delete" BEFORE UPDATE OR DELETE ON "audit_entry"
        FOR EACH ROW EXECUTE FUNCTION "audit_entry_is_append_only"();
      DROP FUNCTION "audit_entry_only_redaction"();
      DROP FUNCTION "audit_redaction_marker"(bigint, uuid, timestamptz, text, text);
      ALTER TABLE "audit_entry" DROP COLUMN "redacted_at";
    `);
  }
}
