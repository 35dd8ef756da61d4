import { ErrorCode, type ConsentKind, type RequestStatus } from '@mla/contracts';
import { DomainError } from '../../../common/errors/domain-error';

export type UseAction =
  | 'request_consent'
  | 'decide_consent'
  | 'record_onward_transfer'
  | 'record_further_use'
  | 'file_exculpatory_notice'
  | 'request_consultation';

/** The request is visible, but the caller's role and side may not take this step (403). */
export class UseActionForbiddenError extends DomainError {
  readonly code = ErrorCode.RequestActionForbidden;
  constructor(action: UseAction) {
    super(`Your role and side may not ${action.replace(/_/g, ' ')} on this request`, {
      action,
      reason: 'role_or_side',
    });
  }
}

/** Never accepted by the requested side: no material reached the requesting side, nothing to consent to. */
export class RequestNotAcceptedError extends DomainError {
  readonly code = ErrorCode.RequestNotAccepted;
  constructor(status: RequestStatus) {
    super(
      `The requested side has not accepted this request (it is ${status}): there is no material whose use to agree on`,
      { status },
    );
  }
}

/** Spontaneous information: the side that offered it is bound by nothing it must ask about. */
export class ConsentNotApplicableError extends DomainError {
  readonly code = ErrorCode.RequestConsentNotApplicable;
  constructor(type: string) {
    super(
      `A ${type} is information the requesting side offered: its receiver is the one bound by conditions, so there is no consent for the offering side to ask`,
      { type },
    );
  }
}

/** The use needs a granted or conditional consent of the requested side that covers exactly it. */
export class ConsentRequiredError extends DomainError {
  readonly code = ErrorCode.RequestConsentRequired;
  constructor(kind: ConsentKind, subject: Record<string, string>, refusedConsentIds: string[]) {
    const what =
      kind === 'onward_transfer'
        ? `onward transfer to ${subject.recipientStateCode}`
        : `further use in “${subject.proceeding}”`;
    super(
      `No consent of the requested side allows ${what}` +
        (refusedConsentIds.length > 0 ? ': it was refused' : ': request it first'),
      { kind, ...subject, refusedConsentIds },
    );
  }
}

/** The request is visible; this consent is not one of its own. Not an access denial. */
export class ConsentNotFoundError extends DomainError {
  readonly code = ErrorCode.RequestConsentNotFound;
  constructor(consentId: string) {
    super('This request has no such consent request', { consentId });
  }
}

export class ConsentAlreadyDecidedError extends DomainError {
  readonly code = ErrorCode.RequestConsentAlreadyDecided;
  constructor(consentId: string, decision: string) {
    super(`This consent request has already been decided (${decision}); a decision is given once`, {
      consentId,
      decision,
    });
  }
}

export class ExculpatoryNoticeNotFoundError extends DomainError {
  readonly code = ErrorCode.RequestExculpatoryNoticeNotFound;
  constructor(noticeId: string) {
    super('This request has no such exculpatory-disclosure notice', { noticeId });
  }
}

export class ConsultationAlreadyRequestedError extends DomainError {
  readonly code = ErrorCode.RequestConsultationAlreadyRequested;
  constructor(noticeId: string) {
    super('Consultation on this notice has already been requested; continue in the messages', { noticeId });
  }
}
