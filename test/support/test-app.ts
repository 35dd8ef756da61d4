import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Test, type TestingModule } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { createApiClient, login, type ApiClient } from '@mla/api-client';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { APP_OPTIONS, configureApp } from '../../src/app.setup';
import { createRootLogger, PinoNestLogger } from '../../src/common/logging/logger';
import { AppConfig } from '../../src/config/app-config';
import { validateEnv } from '../../src/config/env.validation';
import { createTestDatabase, type TestDatabase } from './database';

export const DEMO_PASSWORD = 'Demo-Password-2026';

export type DemoUser =
  | 'vn.officer'
  | 'vn.supervisor'
  | 'vn.central'
  | 'fr.central'
  | 'fr.executing'
  | 'fr.contact'
  | 'fr.investigator'
  | 'de.officer'
  | 'auditor'
  | 'admin';

/** The real application on a real database (PostgreSQL or embedded), listening on a loopback port. */
export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  engine: TestDatabase['engine'];
  /** The portal's DATA_DIR: its local secrets and, by default, the evidence store. */
  dataDir: string;
  dataSource: DataSource;
  anonymous: ApiClient;
  as(user: DemoUser): Promise<ApiClient>;
  close(): Promise<void>;
}

/** A clock the test moves by hand, for the rules that depend on time (session timeouts, deadlines). */
export class FakeClock extends Clock {
  // Frozen: only advance() moves it, so a boundary one second away stays one second away however
  // long the test itself takes.
  private current = Date.now();

  override now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

export async function createTestApp(
  extraEnv: Record<string, string> = {},
  options: {
    clock?: Clock;
    /** An existing database to start on (a restart); the caller drops it, close() leaves it. */
    database?: TestDatabase;
  } = {},
): Promise<TestApp> {
  const database: TestDatabase = options.database
    ? { ...options.database, drop: () => Promise.resolve() }
    : await createTestDatabase();
  const config = AppConfig.fromEnv(
    validateEnv({
      NODE_ENV: 'test',
      JWT_SECRET: randomBytes(32).toString('hex'),
      DEMO_MODE: 'true',
      DEMO_PASSWORD,
      // Suites assert empty boxes and exact audit sequences; the one that checks the demo requests opts in.
      DEMO_REQUESTS: 'false',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      // Suites log in hundreds of times from one address; the throttle has its own test.
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      // And the API-wide budgets (SEC-19), which have their own test too.
      API_RATE_LIMIT_PER_IP: '10000000',
      API_RATE_LIMIT_PER_USER: '10000000',
      // Tests run the deadline job themselves, at the moment their fake clock says.
      DEADLINE_JOB: 'false',
      // Tests run the evidence jobs (retention, fixity, sweep) themselves too.
      EVIDENCE_JOBS: 'false',
      // And the audit checkpoint job, so that the checkpoints a suite sees are the ones it asked for.
      AUDIT_CHECKPOINT_JOB: 'false',
      // And audit retention, which suites run at the moment they choose.
      AUDIT_RETENTION_JOB: 'false',
      ...database.env,
      ...extraEnv,
    }),
  );
  const logger = createRootLogger(config.logLevel);
  let moduleRef: TestingModule | undefined;
  let app: NestExpressApplication | undefined;
  try {
    moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
      .overrideProvider(Clock)
      .useValue(options.clock ?? new Clock())
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({
      ...APP_OPTIONS,
      logger: new PinoNestLogger(logger),
    });
    configureApp(app, config, logger);
    await app.listen(0, '127.0.0.1');
    // The server must never close an idle keep-alive connection the client may be reusing at that
    // moment (ECONNRESET): undici drops its idle sockets after 4 s, Node's server after 5 s, and on a
    // busy machine, where the embedded engine blocks this very event loop for seconds, the two
    // timers fire in either order. A longer server timeout leaves the closing to the client.
    app.getHttpServer().keepAliveTimeout = 60_000;
  } catch (error) {
    // A half-started app must not leave its database (or its embedded engine) behind.
    await (app ?? moduleRef)?.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  return wrap(app, database);
}

function wrap(app: NestExpressApplication, database: TestDatabase): TestApp {
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const clients = new Map<DemoUser, Promise<ApiClient>>();
  return {
    app,
    baseUrl,
    engine: database.engine,
    dataDir: database.env.DATA_DIR,
    dataSource: app.get(DataSource),
    anonymous: createApiClient({ baseUrl }),
    as(user) {
      let client = clients.get(user);
      if (!client) {
        client = login(baseUrl, user, DEMO_PASSWORD);
        clients.set(user, client);
      }
      return client;
    },
    async close() {
      try {
        // The suite is over: a socket a test left open (a raw connection, a stalled body) must not
        // hold the server's close, which waits for every connection, until the test times out.
        app.getHttpServer().closeAllConnections();
        await app.close();
      } finally {
        await database.drop();
      }
    },
  };
}
