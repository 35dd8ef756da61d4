import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@mla/contracts';

/** The single mapping from error code to HTTP status; the Record makes a missing code a compile error. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, HttpStatus>> = {
  [ErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
  [ErrorCode.MalformedBody]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.InvalidCredentials]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.PermissionDenied]: HttpStatus.FORBIDDEN,
  // A route without a declared permission is a programming error: fail closed, loudly.
  [ErrorCode.PermissionNotDeclared]: HttpStatus.INTERNAL_SERVER_ERROR,
  [ErrorCode.MfaRequired]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.ReauthRequired]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.StepUpRequired]: HttpStatus.UNAUTHORIZED,
  // Authenticated, but the session may only finish its set-up (enrol, change the password) first.
  [ErrorCode.MfaEnrolmentRequired]: HttpStatus.FORBIDDEN,
  [ErrorCode.PasswordChangeRequired]: HttpStatus.FORBIDDEN,
  [ErrorCode.MfaNotEnrolled]: HttpStatus.CONFLICT,
  // Both a bearer token and an API key: refused before either is checked, so neither is preferred silently.
  [ErrorCode.AmbiguousCredentials]: HttpStatus.UNAUTHORIZED,
  // The key is valid, but the route is for people only (logout, password change, administration).
  [ErrorCode.ApiKeyNotAllowed]: HttpStatus.FORBIDDEN,
  [ErrorCode.ApiKeyNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.RequestNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.RequestInvalidTransition]: HttpStatus.CONFLICT,
  [ErrorCode.RequestVersionConflict]: HttpStatus.CONFLICT,
  [ErrorCode.RequestPreconditionFailed]: HttpStatus.PRECONDITION_FAILED,
  [ErrorCode.RequestPreconditionRequired]: HttpStatus.PRECONDITION_REQUIRED,
  [ErrorCode.RequestNotEditable]: HttpStatus.CONFLICT,
  // Not the caller's fault alone, but a precondition of the procedure: attach a translation first.
  [ErrorCode.RequestTranslationRequired]: HttpStatus.CONFLICT,
  [ErrorCode.RequestReapprovalRequired]: HttpStatus.CONFLICT,
  [ErrorCode.RequestVersionNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.PreservationNotExtendable]: HttpStatus.CONFLICT,
  [ErrorCode.EmergencyReviewNotDue]: HttpStatus.CONFLICT,
  [ErrorCode.RequestActionForbidden]: HttpStatus.FORBIDDEN,
  // Consent and disclosure (domain.md §8.2): preconditions of the procedure, not access denials.
  [ErrorCode.RequestNotAccepted]: HttpStatus.CONFLICT,
  [ErrorCode.RequestConsentRequired]: HttpStatus.CONFLICT,
  [ErrorCode.RequestConsentNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.RequestConsentNotApplicable]: HttpStatus.CONFLICT,
  [ErrorCode.RequestDisclosureNotAllowed]: HttpStatus.CONFLICT,
  [ErrorCode.RequestDisclosureNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.RequestConsentAlreadyDecided]: HttpStatus.CONFLICT,
  [ErrorCode.RequestExculpatoryNoticeNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.RequestConsultationAlreadyRequested]: HttpStatus.CONFLICT,
  [ErrorCode.RequestAlreadyAssigned]: HttpStatus.CONFLICT,
  [ErrorCode.RequestAssignmentNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.RequestAssigneeNotEligible]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.MessageNotAllowed]: HttpStatus.CONFLICT,
  [ErrorCode.UserNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.UserConflict]: HttpStatus.CONFLICT,
  [ErrorCode.AgencyNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.InstrumentProfileNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.AgencyConflict]: HttpStatus.CONFLICT,
  [ErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [ErrorCode.MethodNotAllowed]: HttpStatus.METHOD_NOT_ALLOWED,
  [ErrorCode.ServiceUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.Internal]: HttpStatus.INTERNAL_SERVER_ERROR,
};
