import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed transmission receipts (issue 6, item 8; domain.md §6.2 T5): one row per transmission,
 * written in the transmitting transaction and never changed afterwards, like the audit tables.
 */
export class AddTransmissionReceipts1795902000000 implements MigrationInterface {
  name = 'AddTransmissionReceipts1795902000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "request_transmission_receipt" (
        "audit_entry_id" uuid NOT NULL,
        "request_id" uuid NOT NULL,
        "content_version" integer NOT NULL,
        "transmitted_at" timestamptz NOT NULL,
        "receipt" text NOT NULL,
        "receipt_signature" jsonb NOT NULL,
        CONSTRAINT "pk_request_transmission_receipt" PRIMARY KEY ("audit_entry_id"),
        CONSTRAINT "fk_request_transmission_receipt_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT
      );
      CREATE INDEX "ix_request_transmission_receipt_request" ON "request_transmission_receipt" ("request_id", "transmitted_at");
      CREATE FUNCTION "transmission_receipt_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END;
      $fn$;
      CREATE TRIGGER "request_transmission_receipt_no_update_or_delete" BEFORE UPDATE OR DELETE ON "request_transmission_receipt"
        FOR EACH ROW EXECUTE FUNCTION "transmission_receipt_is_append_only"();
      CREATE TRIGGER "request_transmission_receipt_no_truncate" BEFORE TRUNCATE ON "request_transmission_receipt"
        FOR EACH STATEMENT EXECUTE FUNCTION "transmission_receipt_is_append_only"();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER "request_transmission_receipt_no_truncate" ON "request_transmission_receipt";
      DROP TRIGGER "request_transmission_receipt_no_update_or_delete" ON "request_transmission_receipt";
      DROP TABLE "request_transmission_receipt";
      DROP FUNCTION "transmission_receipt_is_append_only"();
    `);
  }
}
