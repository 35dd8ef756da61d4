import { ErrorCode, type RequestAction, type RequestStatus } from '@mla/contracts';
import { DomainError } from '../../common/errors/domain-error';

/** Absent, or invisible to the caller: the two are deliberately indistinguishable. */
export class RequestNotFoundError extends DomainError {
  readonly code = ErrorCode.RequestNotFound;
  constructor() {
    super('No such request');
  }
}

export class ContentVersionNotFoundError extends DomainError {
  readonly code = ErrorCode.RequestVersionNotFound;
  constructor() {
    super('The request has no such sent version');
  }
}

export class InvalidTransitionError extends DomainError {
  readonly code = ErrorCode.RequestInvalidTransition;
  constructor(status: RequestStatus, action: RequestAction, allowedActions: RequestAction[]) {
    super(`Cannot ${action} a request that is ${status}`, { status, action, allowedActions });
  }
}

export class ActionForbiddenError extends DomainError {
  readonly code = ErrorCode.RequestActionForbidden;
  constructor(
    action:
      | RequestAction
      | 'edit'
      | 'extend_preservation'
      | 'emergency_review'
      | 'disclose_traffic'
      | 'prepare_preservation'
      | 'upload_evidence'
      | 'deliver_evidence'
      | 'acknowledge_evidence'
      | 'dispose_evidence',
    reason: 'role_or_side' | 'author_may_not_approve' | 'party_agency_inactive',
  ) {
    const message =
      reason === 'author_may_not_approve'
        ? 'The author of a request may not approve it (four-eyes principle)'
        : reason === 'party_agency_inactive'
          ? 'An agency party to this request has been deactivated: withdraw it (and address another agency)'
          : `Your role and side may not ${action} this request`;
    super(message, { action, reason });
  }
}

export class VersionConflictError extends DomainError {
  readonly code = ErrorCode.RequestVersionConflict;
  constructor() {
    super('The request was changed by someone else meanwhile; reload it and try again');
  }
}

export class PreconditionFailedError extends DomainError {
  readonly code = ErrorCode.RequestPreconditionFailed;
  constructor(currentVersion: number) {
    super('If-Match does not name the current version of the request', { currentVersion });
  }
}

export class PreconditionRequiredError extends DomainError {
  readonly code = ErrorCode.RequestPreconditionRequired;
  constructor() {
    super('Send If-Match: "<version>" with the version you are changing');
  }
}

export class NotEditableError extends DomainError {
  readonly code = ErrorCode.RequestNotEditable;
  constructor(status: RequestStatus) {
    super(
      `Only a draft, or a request awaiting a clarification answer, can be edited; this request is ${status}`,
      {
        status,
      },
    );
  }
}

export class ReapprovalRequiredError extends DomainError {
  readonly code = ErrorCode.RequestReapprovalRequired;
  constructor(askedAbout: number, now: number) {
    super(
      `The answer changed the request (version ${askedAbout} to ${now}): submit_answer, and a supervisor approves the new version`,
      { askedAboutVersion: askedAbout, contentVersion: now },
    );
  }
}

export class MessageNotAllowedError extends DomainError {
  readonly code = ErrorCode.MessageNotAllowed;
  constructor(message: string) {
    super(message);
  }
}

export class AlreadyAssignedError extends DomainError {
  readonly code = ErrorCode.RequestAlreadyAssigned;
  constructor(userId: string) {
    super('This officer is already assigned to the request', { userId });
  }
}

/** Not an access denial: the request is visible, the caller's agency just has no such assignment. */
export class AssignmentNotFoundError extends DomainError {
  readonly code = ErrorCode.RequestAssignmentNotFound;
  constructor(userId: string) {
    super('This officer is not assigned to the request in your agency', { userId });
  }
}

/** One answer for unknown, foreign, disabled and non-case accounts, so it reveals no other agency's staff. */
export class AssigneeNotEligibleError extends DomainError {
  readonly code = ErrorCode.RequestAssigneeNotEligible;
  constructor(userId: string) {
    super('Only an active case officer of your own agency can be assigned', { userId });
  }
}

/** Only an executed emergency request has a post-event review to record, and only once. */
export class EmergencyReviewNotDueError extends DomainError {
  readonly code = ErrorCode.EmergencyReviewNotDue;
  constructor(why: string) {
    super(`No emergency review can be recorded: ${why}`);
  }
}
