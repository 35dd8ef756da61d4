import { ErrorCode } from '@mla/contracts';
import { DomainError } from '../../common/errors/domain-error';

export class UserNotFoundError extends DomainError {
  readonly code = ErrorCode.UserNotFound;
  constructor() {
    super('No such user');
  }
}

export class UserConflictError extends DomainError {
  readonly code = ErrorCode.UserConflict;
}
