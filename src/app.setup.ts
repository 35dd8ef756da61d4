import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { correlationMiddleware } from './common/http/correlation.middleware';
import { DrainGate } from './common/http/draining';
import { FieldErrorDto } from './common/http/error-envelope.dto';
import { JSON_BODY_LIMIT, verifyJsonBody } from './common/http/json-body';
import { hardenDocument, publishValidationLimits } from './common/http/openapi-hardening';
import { refuseTraceMethods, securityHeaders } from './common/http/security-headers';
import { webApplication } from './common/http/web-app';
import { createValidationPipe } from './common/validation/validation.pipe';
import type { AppConfig } from './config/app-config';

/** Options for NestFactory.create: the JSON parser is registered by configureApp, after the correlation id. */
export const APP_OPTIONS = { bodyParser: false } as const;

/** Everything main.ts and the tests apply to the app, so the tests run what production runs. */
export function configureApp(app: NestExpressApplication, config: AppConfig, logger: Logger): DrainGate {
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // The correlation id comes first, so even a body that fails to parse is logged and answered with it.
  app.use(correlationMiddleware(logger));
  // Headers first, so even a refusal while draining carries them.
  app.use(securityHeaders());
  app.use(refuseTraceMethods());
  const drain = new DrainGate();
  app.use(drain.middleware());
  // Before the API's routes: only GETs outside /v1, /health, /docs and /.well-known reach the files.
  const web = webApplication(config.web.dir);
  if (web) app.use(web);
  app.use(json({ limit: JSON_BODY_LIMIT, verify: verifyJsonBody }));
  app.useGlobalPipes(createValidationPipe());
  if (config.swaggerEnabled) {
    SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  }
  return drain;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle('mla-portal API')
    .setDescription(
      'Cross-border cooperation portal: mutual legal assistance and electronic-evidence requests between ' +
        'the central authorities, competent authorities and 24/7 points of contact of different states. ' +
        'Every error answers { statusCode, code, message, details?, correlationId }.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'Access token from POST /v1/auth/login: a JWS following RFC8725 (one fixed algorithm, HS256, ' +
        'so `none` is refused; issuer, audience and expiry checked), bound to a server-side session ' +
        'that logout and account changes revoke.',
    })
    .build();
  publishValidationLimits();
  const built = SwaggerModule.createDocument(app, document, {
    extraModels: [FieldErrorDto],
    operationIdFactory: (controllerKey: string, methodKey: string) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  return hardenDocument(built);
}
