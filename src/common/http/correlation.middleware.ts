import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { RequestContext } from '../context/request-context';

const SAFE_CORRELATION_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives every HTTP request a correlation id (the caller's X-Correlation-Id when it is well-formed,
 * otherwise a new UUID), echoes it in the response, makes it reachable through RequestContext for
 * the audit log and error envelope, and writes one structured access-log line per request.
 */
export function correlationMiddleware(logger: Logger) {
  const httpLogger = pinoHttp({
    logger,
    genReqId: (request, response) => {
      const offered = request.headers['x-correlation-id'];
      const id = typeof offered === 'string' && SAFE_CORRELATION_ID.test(offered) ? offered : randomUUID();
      response.setHeader('X-Correlation-Id', id);
      return id;
    },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: request.url.split('?')[0],
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    // Health probes every few seconds would drown the log.
    autoLogging: { ignore: (request) => (request.url ?? '').startsWith('/health') },
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    httpLogger(request, response);
    RequestContext.run(
      { correlationId: typeof request.id === 'string' ? request.id : randomUUID(), ip: request.ip },
      next,
    );
  };
}
