import { ErrorCode } from '@mla/contracts';
import { DomainError } from '../../common/errors/domain-error';

export class AgencyNotFoundError extends DomainError {
  readonly code = ErrorCode.AgencyNotFound;
  constructor() {
    super('No such agency');
  }
}

export class AgencyConflictError extends DomainError {
  readonly code = ErrorCode.AgencyConflict;
}
