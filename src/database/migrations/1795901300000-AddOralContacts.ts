import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Oral contacts (domain.md §6.6): an urgent request made by telephone is recorded at once, and its
 * written confirmation falls due by the profile's deadline (UNCAC 46(14); BUD 25(3)).
 */
export class AddOralContacts1795901300000 implements MigrationInterface {
  name = 'AddOralContacts1795901300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "request_oral_contact" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "counterpart" text NOT NULL,
        "contacted_at" timestamptz NOT NULL,
        "summary" text NOT NULL,
        "recorded_by_id" uuid NOT NULL,
        "recorded_at" timestamptz NOT NULL,
        CONSTRAINT "pk_request_oral_contact" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_oral_contact_request" FOREIGN KEY ("request_id") REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_oral_contact_recorded_by" FOREIGN KEY ("recorded_by_id") REFERENCES "user_account" ("id") ON DELETE RESTRICT
      );
      CREATE INDEX "ix_request_oral_contact_request" ON "request_oral_contact" ("request_id");
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "request_oral_contact";');
  }
}
