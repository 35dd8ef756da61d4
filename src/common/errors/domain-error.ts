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

/** The password was right; a second factor is needed too (SEC-01). Nothing is issued. */
export class MfaRequiredError extends DomainError {
  readonly code = ErrorCode.MfaRequired;
  constructor() {
    super(
      'A second factor is required: send the current code from your authenticator app, or a recovery code',
    );
  }
}

/** The session behind the token has ended (idle, past its lifetime, revoked): log in again. */
export class ReauthRequiredError extends DomainError {
  readonly code = ErrorCode.ReauthRequired;
  constructor() {
    super('Your session has ended; log in again');
  }
}

/** A privileged action needs a recent full authentication (SEC-10). */
export class StepUpRequiredError extends DomainError {
  readonly code = ErrorCode.StepUpRequired;
  constructor(maxAgeSeconds: number) {
    super(`This action needs a fresh authentication: confirm with POST /v1/auth/step-up first`, {
      maxAgeSeconds,
    });
  }
}

export class SessionRestrictedError extends DomainError {
  constructor(
    readonly code: typeof ErrorCode.MfaEnrolmentRequired | typeof ErrorCode.PasswordChangeRequired,
  ) {
    super(
      code === ErrorCode.MfaEnrolmentRequired
        ? 'Enrol a second factor first (POST /v1/auth/mfa/totp, then confirm)'
        : 'Choose a new password first (POST /v1/auth/password)',
    );
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
  constructor(retryAfterSeconds: number, what = 'attempts from this address') {
    super(`Too many ${what}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
