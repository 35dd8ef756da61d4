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

/**
 * Turns every error into the envelope `{ statusCode, code, message, details?, correlationId }`.
 * Unknown errors become a generic 500: the stack, SQL and paths go to the log, never to the client.
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
    const body = this.toEnvelope(error, correlationId);
    if (body.statusCode >= 500) {
      this.logger.error({ err: error, correlationId, path: request.path }, 'Unhandled error');
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }

  private toEnvelope(error: unknown, correlationId: string): ErrorResponseDto {
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
    if (error instanceof HttpException) {
      const statusCode = error.getStatus();
      const code =
        HTTP_STATUS_CODES[statusCode] ?? (statusCode >= 500 ? ErrorCode.Internal : ErrorCode.MalformedBody);
      return { statusCode, code, message: publicMessage(error, statusCode), correlationId };
    }
    const status = bodyParserStatus(error);
    if (status) {
      const code = HTTP_STATUS_CODES[status] ?? ErrorCode.MalformedBody;
      const message =
        status === 413 ? 'The request body is too large' : 'The request body could not be parsed';
      return { statusCode: status, code, message, correlationId };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: ErrorCode.Internal,
      message: 'An unexpected error occurred; quote the correlation id when reporting it',
      correlationId,
    };
  }
}

function publicMessage(error: HttpException, statusCode: number): string {
  if (statusCode >= 500) return 'An unexpected error occurred; quote the correlation id when reporting it';
  if (statusCode === 404) return 'No such resource';
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : error.message;
}

/** body-parser raises plain errors carrying `status` (400 for bad JSON, 413 for size, 415 charset). */
function bodyParserStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string') return status;
  return undefined;
}
