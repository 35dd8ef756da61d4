import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/**
 * Runs the pending migrations on a PostgreSQL database as the role in `url`, outside the portal: a
 * hardened deployment runs the portal as a role that cannot create or alter tables
 * (scripts/db-roles.mjs), with MIGRATIONS_RUN=false, and migrates with the owner role through this
 * (`npm run db:migrate`). Returns the names of the migrations it ran.
 */
export async function migratePostgres(url: string, options: { log?: boolean } = {}): Promise<string[]> {
  const dataSource = new DataSource({
    ...dataSourceOptions({ kind: 'postgres', url, migrationsRun: false }),
    ...(options.log === false ? { logging: ['error' as const] } : {}),
  });
  await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
