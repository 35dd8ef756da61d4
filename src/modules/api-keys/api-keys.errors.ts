import { ErrorCode } from '@mla/contracts';
import { DomainError } from '../../common/errors/domain-error';

export class ApiKeyNotFoundError extends DomainError {
  readonly code = ErrorCode.ApiKeyNotFound;
  constructor() {
    super('No such API key');
  }
}
