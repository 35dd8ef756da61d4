import { ErrorCode } from '@mla/contracts';
import { DomainError } from '../../common/errors/domain-error';

export class InstrumentProfileNotFoundError extends DomainError {
  readonly code = ErrorCode.InstrumentProfileNotFound;
  constructor(legalBasis: string, version?: number) {
    super(version ? `No version ${version} of the ${legalBasis} profile` : `No profile for ${legalBasis}`);
  }
}
