import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseSettings } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { createPgliteDriver } from './pglite-driver';
import { DatabaseLogger } from './typeorm-logger';

const CONNECT_TIMEOUT_MS = 5_000;

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
      // A request waiting for a pool connection gets 503 after this instead of queueing without end
      // (server unreachable, or every connection taken by stuck work).
      connectTimeoutMS: CONNECT_TIMEOUT_MS,
      extra: {
        // A statement or lock wait that runs away must not hold a pool slot: it fails, the request
        // answers 503 (see isDatabaseUnavailable). The migration runner runs without these limits.
        ...(settings.timeouts
          ? { statement_timeout: settings.timeouts.statementMs, lock_timeout: settings.timeouts.lockMs }
          : {}),
        idle_in_transaction_session_timeout: 30_000,
        // A server that vanished without closing the socket (host down, network cut) is noticed.
        keepAlive: true,
      },
    };
  }
  return {
    ...common,
    driver: createPgliteDriver(join(settings.dataDir, 'pgdata')),
    database: 'postgres',
  };
}
