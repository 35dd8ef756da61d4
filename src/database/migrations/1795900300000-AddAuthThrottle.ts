import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-client-address counters for the authentication routes. In the database, not in process
 * memory, so every API instance counts against the same budget (architecture.md §10).
 */
export class AddAuthThrottle1795900300000 implements MigrationInterface {
  name = 'AddAuthThrottle1795900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "auth_throttle" (
        "client" text NOT NULL,
        "window_started_at" timestamptz NOT NULL,
        "attempts" integer NOT NULL,
        CONSTRAINT "pk_auth_throttle" PRIMARY KEY ("client"),
        CONSTRAINT "ck_auth_throttle_attempts" CHECK ("attempts" > 0)
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "auth_throttle";');
  }
}
