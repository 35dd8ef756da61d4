import { ErrorCode } from '@mla/contracts';
import { DomainError } from '../../common/errors/domain-error';

export class EvidenceNotFoundError extends DomainError {
  readonly code = ErrorCode.EvidenceNotFound;
  constructor() {
    super('No such evidence item');
  }
}

export class EvidencePackageNotFoundError extends DomainError {
  readonly code = ErrorCode.EvidencePackageNotFound;
  constructor() {
    super('No such evidence package');
  }
}

export class EvidenceUploadNotAllowedError extends DomainError {
  readonly code = ErrorCode.EvidenceUploadNotAllowed;
  constructor(status: string) {
    super(`Evidence cannot be added or delivered while the request is ${status}`, {
      status,
    });
  }
}

export class EvidenceDigestMismatchError extends DomainError {
  readonly code = ErrorCode.EvidenceDigestMismatch;
  constructor(declared: string, computed: string) {
    super('The file received does not match the SHA-256 you declared; nothing was stored', {
      declared,
      computed,
    });
  }
}

export class EvidenceTooLargeError extends DomainError {
  readonly code = ErrorCode.EvidenceTooLarge;
  constructor(limit: number) {
    super(`Evidence files may be at most ${limit} bytes; nothing was stored`, { limitBytes: limit });
  }
}

export class EvidenceMediaTypeNotAllowedError extends DomainError {
  readonly code = ErrorCode.EvidenceMediaTypeNotAllowed;
  constructor(detected: string) {
    super(
      `Content detected as ${detected} is not accepted as evidence; to exchange such a file, put it in an archive`,
      { detected },
    );
  }
}

export class EvidenceIntegrityError extends DomainError {
  readonly code = ErrorCode.EvidenceIntegrityFailure;
  /** `items`: when delivering, the items that failed a check (upload them again, then dispose of these). */
  constructor(items?: string[]) {
    // The problem itself goes to the audit log and the operators, not to the caller.
    super(
      items
        ? 'Some items failed their integrity check and cannot be delivered: upload them again and dispose of these'
        : 'The stored bytes of this item failed their integrity check and are not served; the incident is recorded',
      items ? { items } : undefined,
    );
  }
}

export class EvidenceDisposedError extends DomainError {
  readonly code = ErrorCode.EvidenceDisposed;
  constructor(disposedAt: Date) {
    super('The bytes of this item were disposed of; its metadata and hash remain', {
      disposedAt: disposedAt.toISOString(),
    });
  }
}

export class RangeNotSatisfiableError extends DomainError {
  readonly code = ErrorCode.EvidenceRangeNotSatisfiable;
  constructor(readonly size: number) {
    super('The requested range lies outside the file', { size });
  }
}

export class NothingToSealError extends DomainError {
  readonly code = ErrorCode.EvidenceNothingToSeal;
  constructor() {
    super('There are no evidence items outside a package to deliver');
  }
}

export class LegalHoldError extends DomainError {
  readonly code = ErrorCode.EvidenceLegalHold;
  constructor() {
    super('The item is under a legal hold; lift it before disposal');
  }
}

export class PackageAlreadyAcknowledgedError extends DomainError {
  readonly code = ErrorCode.EvidencePackageAlreadyAcknowledged;
  constructor(status: string) {
    super(`The package has already been ${status}`, { status });
  }
}

export class EvidenceStorageFailureError extends DomainError {
  readonly code = ErrorCode.EvidenceStorageFailure;
  constructor() {
    super('The evidence could not be stored durably; nothing was recorded. Try again later');
  }
}
