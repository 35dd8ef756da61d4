import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseSettings } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { createPgliteDriver } from './pglite-driver';
import { DatabaseLogger } from './typeorm-logger';

/**
 * One TypeORM configuration for both engines: PostgreSQL through `pg`, or the embedded PGlite
 * through our serialising driver. Same entities, same migrations; the schema never comes from
 * `synchronize`.
 */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: settings.migrationsRun,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite: nothing to install on either.
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    logger: new DatabaseLogger(),
    logging: ['error' as const, 'warn' as const, 'migration' as const],
    maxQueryExecutionTime: 1000,
  };
  if (settings.kind === 'postgres') {
    return {
      ...common,
      url: settings.url,
      poolSize: 10,
      applicationName: 'mla-portal',
      // A statement or lock wait that runs away must not hold a pool slot forever.
      extra: { statement_timeout: 15_000, lock_timeout: 5_000, idle_in_transaction_session_timeout: 30_000 },
    };
  }
  return {
    ...common,
    driver: createPgliteDriver(join(settings.dataDir, 'pgdata')),
    database: 'postgres',
  };
}
