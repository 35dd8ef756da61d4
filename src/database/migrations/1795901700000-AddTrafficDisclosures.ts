import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Expedited disclosure of traffic data (domain.md §5.3; BUD 30; UNCC 43): while executing a
 * preservation, the requested side finds that a provider in a third state took part in the
 * communication and discloses enough to identify it and the path. A child record of the
 * preservation, from which the requesting side prepares a preservation request to that state.
 */
export class AddTrafficDisclosures1795901700000 implements MigrationInterface {
  name = 'AddTrafficDisclosures1795901700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "request_traffic_disclosure" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "provider_name" text NOT NULL,
        "provider_state_code" varchar(2) NOT NULL,
        "path_description" text NOT NULL,
        "sufficiency_note" text,
        "conditions" jsonb NOT NULL,
        "disclosed_by_id" uuid NOT NULL,
        "disclosed_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_traffic_disclosure" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_traffic_disclosure_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_traffic_disclosure_state" FOREIGN KEY ("provider_state_code") REFERENCES "state" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_traffic_disclosure_by" FOREIGN KEY ("disclosed_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
      CREATE INDEX "ix_request_traffic_disclosure_request" ON "request_traffic_disclosure" ("request_id", "disclosed_at");
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "request_traffic_disclosure";');
  }
}
