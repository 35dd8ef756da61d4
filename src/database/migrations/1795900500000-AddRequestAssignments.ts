import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Need-to-know on requests (SEC-13, SEC-23): a confidential request is visible inside each party
 * agency only to the officers assigned to it (plus those who may assign). Assignments are never
 * deleted, only closed, so who could see a request at any time can be reconstructed.
 */
export class AddRequestAssignments1795900500000 implements MigrationInterface {
  name = 'AddRequestAssignments1795900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "cooperation_request" ADD COLUMN "confidential" boolean NOT NULL DEFAULT false;

      CREATE TABLE "request_assignment" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "request_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "agency_id" uuid NOT NULL,
        "assigned_by_id" uuid NOT NULL,
        "assigned_at" timestamptz NOT NULL,
        "unassigned_at" timestamptz,
        "unassigned_by_id" uuid,
        CONSTRAINT "pk_request_assignment" PRIMARY KEY ("id"),
        CONSTRAINT "fk_request_assignment_request" FOREIGN KEY ("request_id")
          REFERENCES "cooperation_request" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_assignment_user" FOREIGN KEY ("user_id")
          REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_assignment_agency" FOREIGN KEY ("agency_id")
          REFERENCES "agency" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_assignment_assigned_by" FOREIGN KEY ("assigned_by_id")
          REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_request_assignment_unassigned_by" FOREIGN KEY ("unassigned_by_id")
          REFERENCES "user_account" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_request_assignment_unassigned"
          CHECK (("unassigned_at" IS NULL) = ("unassigned_by_id" IS NULL))
      );
      -- At most one open assignment per user and request; it also serves the visibility lookup.
      CREATE UNIQUE INDEX "uq_request_assignment_current"
        ON "request_assignment" ("request_id", "user_id") WHERE "unassigned_at" IS NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE "request_assignment";
      ALTER TABLE "cooperation_request" DROP COLUMN "confidential";
    `);
  }
}
