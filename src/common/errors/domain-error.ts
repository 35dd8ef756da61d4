import { ErrorCode, type FieldError } from '@mla/contracts';

/**
 * Base of every error the portal raises on purpose. Each carries a stable code from
 * libs/contracts; the one filter maps codes to HTTP statuses.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  readonly code = ErrorCode.ValidationFailed;

  constructor(details: FieldError[], message = 'The request is not valid') {
    super(message, details);
  }

  static field(field: string, ...messages: string[]): ValidationFailedError {
    return new ValidationFailedError([{ field, messages }]);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = ErrorCode.Unauthenticated;
  constructor() {
    super('Authentication is required');
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly code = ErrorCode.InvalidCredentials;
  constructor() {
    // One message for unknown user, wrong password and disabled account: no account enumeration.
    super('Invalid username or password');
  }
}

export class AmbiguousCredentialsError extends DomainError {
  readonly code = ErrorCode.AmbiguousCredentials;
  constructor() {
    super('Send either a bearer token or an API key, not both');
  }
}

export class PermissionDeniedError extends DomainError {
  readonly code = ErrorCode.PermissionDenied;
  constructor(permission: string) {
    super(`Your role does not grant ${permission}`, { permission });
  }
}

export class ApiKeyNotAllowedError extends DomainError {
  readonly code = ErrorCode.ApiKeyNotAllowed;
  constructor() {
    super('This route is not available to API keys');
  }
}

export class PermissionNotDeclaredError extends DomainError {
  readonly code = ErrorCode.PermissionNotDeclared;
  constructor(controller: string, handler: string) {
    super(`Route ${controller}.${handler} declares no permission`);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = ErrorCode.RateLimited;
  constructor(retryAfterSeconds: number) {
    super(`Too many attempts from this address; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
