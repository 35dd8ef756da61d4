import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument } from '../src/app.setup';
import { AppConfig } from '../src/config/app-config';
import { validateEnv } from '../src/config/env.validation';

/**
 * Writes libs/api-client/openapi.json from the code, with no database: preview mode maps the
 * routes without instantiating providers (the approach of immich's sync-open-api).
 */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv(
    validateEnv({
      JWT_SECRET: 'openapi-generation-does-not-sign-anything-0000',
      DATA_DIR: '/nonexistent',
      LOG_LEVEL: 'silent',
    }),
  );
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    preview: true,
    logger: false,
  });
  const document = buildOpenApiDocument(app);
  const target = join(__dirname, '..', '..', 'libs', 'api-client', 'openapi.json');
  writeFileSync(target, `${JSON.stringify(sortKeys(document), null, 2)}\n`);
  await app.close();
  process.stdout.write(`wrote ${target}\n`);
}

/** Stable key order, so the committed file only changes when the API does. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
