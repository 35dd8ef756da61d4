import { ErrorCode } from '@mla/contracts';
import { DomainError } from '../errors/domain-error';

export class IdempotencyKeyRequiredError extends DomainError {
  readonly code = ErrorCode.IdempotencyKeyRequired;
  constructor() {
    super('This request changes a case: send an Idempotency-Key header (a fresh UUID per operation)');
  }
}

export class IdempotencyKeyInvalidError extends DomainError {
  readonly code = ErrorCode.IdempotencyKeyInvalid;
  constructor() {
    super('The Idempotency-Key must be 1 to 255 printable ASCII characters');
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = ErrorCode.IdempotencyKeyReused;
  constructor() {
    super('This Idempotency-Key was already used for another request; use a fresh key for a new one');
  }
}

export class IdempotencyInFlightError extends DomainError {
  readonly code = ErrorCode.IdempotencyInFlight;
  constructor(readonly retryAfterSeconds: number) {
    super(`A request with this Idempotency-Key is still being processed; retry in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}

export class IdempotencyLeaseLostError extends DomainError {
  readonly code = ErrorCode.IdempotencyLeaseLost;
  constructor() {
    super('This attempt took too long and a retry with the same Idempotency-Key took over; nothing was done');
  }
}
