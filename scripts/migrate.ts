/**
 * Applies the pending migrations with the owner role, for deployments where the portal itself runs
 * as the application role with MIGRATIONS_RUN=false (docs/operations.md, "Database roles"):
 *
 *   MIGRATION_DATABASE_URL=postgres://mla_owner@db/mla npm run db:migrate
 *
 * DATABASE_URL is used when MIGRATION_DATABASE_URL is absent. The embedded engine migrates at start.
 */
import { migratePostgres } from '../src/database/migrate';

async function main(): Promise<number> {
  const url = process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('set MIGRATION_DATABASE_URL (or DATABASE_URL) to the owner role’s connection URL\n');
    return 2;
  }
  const ran = await migratePostgres(url);
  process.stdout.write(ran.length > 0 ? `ran ${ran.join(', ')}\n` : 'no pending migration\n');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // The message only: a connection error can quote the URL, password included, in its stack.
    process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
