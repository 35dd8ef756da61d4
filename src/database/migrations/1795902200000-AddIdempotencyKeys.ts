import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `Idempotency-Key` (security.md REL-02, draft-ietf-httpapi-idempotency-key-header): one row per key
 * a caller has used. It is claimed (`in_flight`, with a claim token and a lease) before the use case
 * runs and turned `completed`, with the response to replay, inside the use case's own transaction,
 * so the effect and its recorded response commit together (a kill -9 between commit and response
 * loses neither). `fingerprint` is NULL only while a multipart upload is still being read.
 */
export class AddIdempotencyKeys1795902200000 implements MigrationInterface {
  name = 'AddIdempotencyKeys1795902200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_key" (
        "scope" text NOT NULL,
        "key" text NOT NULL,
        "method" text NOT NULL,
        "path" text NOT NULL,
        "fingerprint" text,
        "state" text NOT NULL,
        "claim_token" uuid NOT NULL,
        "lease_expires_at" timestamptz NOT NULL,
        "response_status" integer,
        "response_headers" jsonb,
        "response_body" text,
        "response_source" text,
        "created_at" timestamptz NOT NULL,
        "completed_at" timestamptz,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "pk_idempotency_key" PRIMARY KEY ("scope", "key"),
        CONSTRAINT "ck_idempotency_key_state" CHECK ("state" IN ('in_flight', 'completed'))
      );
      CREATE INDEX "ix_idempotency_key_expires" ON "idempotency_key" ("expires_at");
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_key"`);
  }
}
