import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, defer, from, mergeMap, type Observable, of, throwError, finalize } from 'rxjs';
import { RequestContext } from '../../common/context/request-context';
import {
  type IdempotencyClaim,
  jsonFingerprint,
  lowerCaseKeys,
  multipartFingerprint,
  REPLAYED_HEADERS,
  serializeBody,
  type StoredResponse,
} from '../../common/idempotency/idempotency-context';
import {
  IdempotencyInFlightError,
  IdempotencyKeyInvalidError,
  IdempotencyKeyRequiredError,
  IdempotencyKeyReusedError,
} from '../../common/idempotency/idempotency.errors';
import { AppConfig } from '../../config/app-config';
import type { Principal } from '../auth/principal';
import { IdempotentMetadata, type IdempotentOptions } from './idempotent.decorator';
import { IdempotencyService } from './idempotency.service';
import { digestMultipart } from './multipart-digest';

/** 1 to 255 printable ASCII characters (a UUID, as clients are told to send, fits easily). */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` for the routes marked @Idempotent (security.md REL-02,
 * draft-ietf-httpapi-idempotency-key-header). Before the handler it claims the key in a statement of
 * its own; the use case's transaction completes it (TransactionRunner), so the effect and the
 * response a retry gets commit together. After the handler, the response as sent replaces the
 * recorded one where they differ; a failure without effect frees the key for a retry.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyService,
    private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get(IdempotentMetadata, context.getHandler());
    if (!options || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { user?: Principal }>();
    const response = http.getResponse<Response>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) {
      if (options.required) throw new IdempotencyKeyRequiredError();
      return next.handle();
    }
    const key = parseKey(header);
    // Every idempotent route is authenticated; the guard ran before this.
    if (!request.user) return next.handle();
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (request.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    const scope = `user:${request.user.userId}`;
    const path = request.originalUrl;
    const multipart = options.body === 'multipart';
    const fingerprint = multipart ? null : jsonFingerprint(request.method, path, request.body);

    return defer(() => this.keys.claim({ scope, key, method: request.method, path, fingerprint })).pipe(
      mergeMap((outcome) => {
        switch (outcome.kind) {
          case 'mismatch':
            return throwError(() => new IdempotencyKeyReusedError());
          case 'in_flight':
            response.setHeader('Retry-After', String(outcome.retryAfterSeconds));
            return throwError(() => new IdempotencyInFlightError(outcome.retryAfterSeconds));
          case 'replay':
            return of(replay(response, outcome.response));
          case 'verify':
            return from(this.verifyUpload(request, path, outcome.fingerprint)).pipe(
              mergeMap((same) =>
                same
                  ? of(replay(response, outcome.response))
                  : throwError(() => new IdempotencyKeyReusedError()),
              ),
            );
          case 'claimed': {
            const claim: IdempotencyClaim = {
              scope,
              key,
              token: outcome.token,
              fingerprint,
              status,
              headers:
                (options.headers as IdempotentOptions['headers'] &
                  ((body: unknown) => Record<string, string>)) ?? (() => ({})),
              expiresAt: outcome.expiresAt,
            };
            return this.handle(claim, next, response);
          }
        }
      }),
    );
  }

  private handle(claim: IdempotencyClaim, next: CallHandler, response: Response): Observable<unknown> {
    const store = RequestContext.current();
    if (store) store.idempotency = claim;
    // Renewed while the request runs, so a long upload keeps its key; a dead process stops renewing.
    const renewal = setInterval(
      () => {
        if (claim.bound) return;
        this.keys
          .renew(claim)
          .catch((error: unknown) =>
            this.logger.warn({ problem: (error as Error).message }, 'idempotency lease renewal failed'),
          );
      },
      Math.max(50, Math.floor(this.keys.leaseMs / 3)),
    );
    renewal.unref();
    return next.handle().pipe(
      mergeMap((value) => {
        const sent: StoredResponse = {
          status: claim.status,
          headers: replayedHeaders(response),
          body: serializeBody(value),
        };
        const completed = this.keys.complete(claim, sent, claim.fingerprint).catch((error: unknown) => {
          // Bound: the effect and a response for it committed together, so the caller is told of
          // the success; a retry gets the response recorded in the transaction.
          if (!claim.bound) throw error;
          this.logger.warn({ problem: (error as Error).message }, 'idempotency response not recorded');
        });
        return from(completed).pipe(mergeMap(() => of(value)));
      }),
      catchError((error: unknown) => {
        // Committed, then failed: the effect stands, and so does the response recorded with it.
        if (claim.bound) return throwError(() => error);
        return from(this.keys.release(claim)).pipe(mergeMap(() => throwError(() => error)));
      }),
      finalize(() => {
        clearInterval(renewal);
        if (store) store.idempotency = undefined;
      }),
    );
  }

  private async verifyUpload(request: Request, path: string, stored: string | null): Promise<boolean> {
    const digest = await digestMultipart(request, this.config.evidence.maxBytes);
    return Boolean(digest && stored && multipartFingerprint(request.method, path, digest) === stored);
  }
}

/** RFC 8941 sf-string (the draft's form, `"…"`) or a bare token as most clients send it. */
function parseKey(header: string | string[]): string {
  if (Array.isArray(header)) throw new IdempotencyKeyInvalidError();
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(header);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : header;
  if (!KEY_PATTERN.test(key)) throw new IdempotencyKeyInvalidError();
  return key;
}

function replayedHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = response.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return lowerCaseKeys(headers);
}

function replay(response: Response, stored: StoredResponse): unknown {
  for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
  response.setHeader('Idempotent-Replayed', 'true');
  return stored.body === null ? undefined : (JSON.parse(stored.body) as unknown);
}
