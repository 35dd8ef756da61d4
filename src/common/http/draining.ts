import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '@mla/contracts';
import { RETRY_AFTER_SECONDS } from '../errors/database-unavailable';

/**
 * Graceful shutdown, the HTTP side. Once draining begins (SIGTERM), a request that was already
 * being handled finishes and is answered normally, but with `Connection: close`, so its keep-alive
 * socket ends with it instead of holding the server's close open for the keep-alive time-out; a new
 * request arriving on a socket that was still open is answered 503 with the envelope (readiness
 * included, so a load balancer stops sending traffic at once). New connections are refused by
 * server.close().
 */
export class DrainGate {
  private draining = false;

  begin(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  middleware() {
    return (request: Request, response: Response, next: NextFunction): void => {
      if (this.draining) {
        response.setHeader('Connection', 'close');
        response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
        response.status(503).json({
          statusCode: 503,
          code: ErrorCode.ServiceUnavailable,
          message: 'The service is shutting down; retry shortly',
          correlationId: typeof request.id === 'string' ? request.id : '',
        });
        return;
      }
      // Checked when the answer's headers go out, not now: the request may outlive the signal.
      const writeHead = response.writeHead.bind(response);
      response.writeHead = ((...args: Parameters<Response['writeHead']>) => {
        if (this.draining) response.setHeader('Connection', 'close');
        return writeHead(...args);
      }) as Response['writeHead'];
      next();
    };
  }
}
