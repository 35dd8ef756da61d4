import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp } from './app.setup';
import { PinoNestLogger, createRootLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';
import { validateEnv } from './config/env.validation';

async function bootstrap(): Promise<void> {
  // Validated before Nest starts: a bad setting stops the process here, with the reason.
  const config = AppConfig.fromEnv(validateEnv(process.env));
  const logger = createRootLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    ...APP_OPTIONS,
    logger: new PinoNestLogger(logger),
  });
  const drain = configureApp(app, config, logger);
  const server = await app.listen(config.http.port, config.http.host);
  // An idle keep-alive connection is closed after 5 s; the headers of a request must all arrive
  // within 20 s (a client trickling them holds a socket no longer), which must exceed the former.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 20_000;
  // Node's default five-minute limit per request would cut a 2 GiB evidence upload on a slow link;
  // stalled uploads are cut by the upload's own idle timer instead, and headers keep their limit.
  server.requestTimeout = 0;
  logger.info(
    {
      url: `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`,
      database: config.database.kind,
      demo: config.demo.enabled,
      // Milliseconds since the process started (performance.timeOrigin).
      readyMs: Math.round(performance.now()),
    },
    'mla-portal ready',
  );
  // Graceful stop: refuse new connections, let in-flight requests finish, close the database, exit 0.
  // A stop that overruns SHUTDOWN_TIMEOUT_MS exits 1, so a supervisor can tell the two apart.
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    // From now on readiness and new requests answer 503, and in-flight answers close their socket,
    // so app.close() (server.close, then the database) waits only for the requests under way.
    drain.begin();
    setTimeout(() => {
      logger.error('graceful shutdown timed out');
      process.exit(1);
    }, config.http.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
