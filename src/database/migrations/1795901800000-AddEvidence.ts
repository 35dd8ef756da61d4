import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence exchange (architecture.md §5; security.md §5): stored objects by SHA-256, the items that
 * refer to them, and the signed packages in which results are delivered. The custody trail of an
 * item is the audit log's entries about it, so the log gets an index by target.
 */
export class AddEvidence1795901800000 implements MigrationInterface {
  name = 'AddEvidence1795901800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "evidence_blob" (
        "sha256" varchar(64) NOT NULL,
        "size" bigint NOT NULL,
        "storage_key" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "disposed_at" timestamptz,
        CONSTRAINT "pk_evidence_blob" PRIMARY KEY ("sha256")
      );
      CREATE TABLE "evidence_package" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "sequence" integer NOT NULL,
        "final" boolean NOT NULL,
        "manifest" text NOT NULL,
        "signature" jsonb NOT NULL,
        "sealed_by_id" uuid NOT NULL,
        "sealed_at" timestamptz NOT NULL,
        "status" text NOT NULL DEFAULT 'sealed',
        "acknowledged_by_id" uuid,
        "acknowledged_at" timestamptz,
        "acknowledgement" jsonb,
        CONSTRAINT "pk_evidence_package" PRIMARY KEY ("id"),
        CONSTRAINT "ck_evidence_package_status" CHECK ("status" IN ('sealed', 'acknowledged', 'disputed')),
        CONSTRAINT "ck_evidence_package_acknowledged" CHECK (("status" = 'sealed') = ("acknowledged_at" IS NULL) AND ("acknowledged_at" IS NULL) = ("acknowledged_by_id" IS NULL)),
        CONSTRAINT "fk_evidence_package_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_evidence_package_sealed_by" FOREIGN KEY ("sealed_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_evidence_package_acknowledged_by" FOREIGN KEY ("acknowledged_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
      CREATE UNIQUE INDEX "ix_evidence_package_request" ON "evidence_package" ("request_id", "sequence");
      CREATE TABLE "evidence_item" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "sha256" varchar(64) NOT NULL,
        "size" bigint NOT NULL,
        "file_name" text NOT NULL,
        "media_type" text NOT NULL,
        "declared_media_type" text,
        "description" text,
        "origin" jsonb NOT NULL,
        "uploaded_by_id" uuid NOT NULL,
        "uploaded_by_agency_id" uuid NOT NULL,
        "uploaded_at" timestamptz NOT NULL,
        "receipt" text,
        "receipt_signature" jsonb,
        "package_id" uuid,
        "retain_until" timestamptz NOT NULL,
        "legal_holds" jsonb NOT NULL,
        "integrity" text NOT NULL DEFAULT 'intact',
        "last_verified_at" timestamptz,
        "disposed_at" timestamptz,
        "disposed_by_id" uuid,
        "disposal_reason" text,
        CONSTRAINT "pk_evidence_item" PRIMARY KEY ("id"),
        CONSTRAINT "ck_evidence_item_integrity" CHECK ("integrity" IN ('intact', 'failed')),
        CONSTRAINT "ck_evidence_item_disposed" CHECK (("disposed_at" IS NULL) = ("disposal_reason" IS NULL) AND ("disposed_by_id" IS NULL OR "disposed_at" IS NOT NULL)),
        CONSTRAINT "fk_evidence_item_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_evidence_item_blob" FOREIGN KEY ("sha256") REFERENCES "evidence_blob" ("sha256") ON DELETE RESTRICT,
        CONSTRAINT "fk_evidence_item_uploaded_by" FOREIGN KEY ("uploaded_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_evidence_item_agency" FOREIGN KEY ("uploaded_by_agency_id") REFERENCES "agency" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_evidence_item_package" FOREIGN KEY ("package_id") REFERENCES "evidence_package" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_evidence_item_disposed_by" FOREIGN KEY ("disposed_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
      CREATE INDEX "ix_evidence_item_request" ON "evidence_item" ("request_id", "uploaded_at");
      CREATE INDEX "ix_evidence_item_retention" ON "evidence_item" ("retain_until");
      CREATE INDEX "ix_evidence_item_package" ON "evidence_item" ("package_id");
      CREATE INDEX "ix_audit_entry_target" ON "audit_entry" ("target_type", "target_id", "seq");
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX "ix_audit_entry_target";
      DROP TABLE "evidence_item";
      DROP TABLE "evidence_package";
      DROP TABLE "evidence_blob";
    `);
  }
}
