import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorCode } from '@mla/contracts';
import { RequestContext } from '../context/request-context';
import type { ErrorResponseDto } from '../http/error-envelope.dto';
import { BODY_REJECTED } from '../http/json-body';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './database-unavailable';
import { DomainError } from './domain-error';
import { ERROR_STATUS } from './error-status';

const HTTP_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.MalformedBody,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.Unauthenticated,
  [HttpStatus.FORBIDDEN]: ErrorCode.PermissionDenied,
  [HttpStatus.NOT_FOUND]: ErrorCode.NotFound,
  [HttpStatus.METHOD_NOT_ALLOWED]: ErrorCode.MethodNotAllowed,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ErrorCode.PayloadTooLarge,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ErrorCode.UnsupportedMediaType,
  [HttpStatus.SERVICE_UNAVAILABLE]: ErrorCode.ServiceUnavailable,
};

const INTERNAL_MESSAGE = 'An unexpected error occurred; quote the correlation id when reporting it';
const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; retry shortly';

/**
 * Turns every error into the envelope `{ statusCode, code, message, details?, correlationId }`.
 * Unknown errors become a generic 500: the stack goes to the log (without SQL parameters), never
 * to the client; framework errors get fixed texts, because theirs can quote the request back.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const correlationId =
      RequestContext.correlationId() ?? (typeof request.id === 'string' ? request.id : '');
    const body = toEnvelope(error, correlationId);
    if (body.statusCode === 503) {
      // An outage is not a bug: logged without the stack, and the client is told when to come back.
      this.logger.warn(
        { err: loggable(error, false), correlationId, path: request.path },
        'Service unavailable',
      );
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: loggable(error), correlationId, path: request.path }, 'Unhandled error');
    }
    if (response.headersSent) return;
    if (body.statusCode === 503 && !response.getHeader('Retry-After'))
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(body.statusCode).json(body);
  }
}

function toEnvelope(error: unknown, correlationId: string): ErrorResponseDto {
  if (error instanceof DomainError) {
    const statusCode = ERROR_STATUS[error.code];
    return {
      statusCode,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details as ErrorResponseDto['details'] }),
      correlationId,
    };
  }
  // The Express adapter wraps body-parser's errors in an HttpException whose cause is the original.
  const parserError = error instanceof HttpException ? error.cause : error;
  const parserStatus = bodyParserStatus(parserError);
  if (parserStatus) {
    const code = HTTP_STATUS_CODES[parserStatus] ?? ErrorCode.MalformedBody;
    return {
      statusCode: parserStatus,
      code,
      message: bodyParserMessage(parserError, parserStatus),
      correlationId,
    };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    const code =
      HTTP_STATUS_CODES[statusCode] ?? (statusCode >= 500 ? ErrorCode.Internal : ErrorCode.MalformedBody);
    return { statusCode, code, message: frameworkMessage(statusCode), correlationId };
  }
  // After the use case committed, "retry later" would invite a second effect: the outcome is
  // unknown to the client, which is what a 500 says (the idempotent routes replay on a retry).
  if (isDatabaseUnavailable(error) && !RequestContext.current()?.committed) {
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      code: ErrorCode.ServiceUnavailable,
      message: UNAVAILABLE_MESSAGE,
      correlationId,
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    code: ErrorCode.Internal,
    message: INTERNAL_MESSAGE,
    correlationId,
  };
}

function frameworkMessage(statusCode: number): string {
  if (statusCode === 503) return UNAVAILABLE_MESSAGE;
  if (statusCode >= 500) return INTERNAL_MESSAGE;
  const messages: Partial<Record<number, string>> = {
    401: 'Authentication is required',
    403: 'Forbidden',
    404: 'No such resource',
    405: 'Method not allowed',
    413: 'The request body is too large',
  };
  return messages[statusCode] ?? 'The request could not be processed';
}

/** body-parser raises errors carrying `status` and `type` (400 for bad JSON, 413 for size, 415 charset). */
function bodyParserStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string') return status;
  return undefined;
}

function bodyParserMessage(error: unknown, status: number): string {
  if (status === 413) return 'The request body is too large';
  if (status === 415) return 'The request body must be UTF-8 JSON';
  const { type, message } = error as { type?: unknown; message?: unknown };
  // Our own pre-parse checks (depth, prototype keys, NUL) say what was wrong; the parser's messages
  // quote the body back, so they are replaced.
  if (type === BODY_REJECTED && typeof message === 'string') return message;
  return 'The request body could not be parsed as JSON';
}

/** What of an unexpected error reaches the log: never SQL parameters or the driver's copy of them. */
function loggable(error: unknown, withStack = true): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: typeof error };
  const driverCode = (error as { driverError?: { code?: unknown } }).driverError?.code;
  const code = (error as { code?: unknown }).code ?? driverCode;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(withStack ? { stack: error.stack } : {}),
  };
}
