import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API-wide request counters (per client address and per user), shared by every instance
 * (architecture.md §10). UNLOGGED: written on every request, worthless after a crash (a lost
 * window only resets a budget), so they skip the WAL and its fsyncs.
 */
export class AddRateLimit1795902300000 implements MigrationInterface {
  name = 'AddRateLimit1795902300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNLOGGED TABLE "rate_limit" (
        "key" text NOT NULL,
        "window_ends_at" timestamptz NOT NULL,
        "hits" integer NOT NULL,
        CONSTRAINT "pk_rate_limit" PRIMARY KEY ("key"),
        CONSTRAINT "ck_rate_limit_hits" CHECK ("hits" > 0)
      );
    `);
    await queryRunner.query(
      `CREATE INDEX "ix_rate_limit_window_ends_at" ON "rate_limit" ("window_ends_at");`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "rate_limit";');
  }
}
