import { ErrorCode } from '@mla/contracts';
import { DomainError } from '../../common/errors/domain-error';

export class MfaNotEnrolledError extends DomainError {
  readonly code = ErrorCode.MfaNotEnrolled;
  constructor() {
    super('This account has no second factor yet: enrol one with POST /v1/auth/mfa/totp');
  }
}
