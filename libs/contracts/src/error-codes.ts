/**
 * Stable machine-readable error codes of the error envelope. Clients branch on these, never on
 * messages, so a code once published is never renamed.
 */
export const ErrorCode = {
  ValidationFailed: 'validation.failed',
  MalformedBody: 'validation.malformed_body',
  Unauthenticated: 'auth.unauthenticated',
  InvalidCredentials: 'auth.invalid_credentials',
  PermissionDenied: 'auth.permission_denied',
  PermissionNotDeclared: 'auth.permission_not_declared',
  MfaRequired: 'auth.mfa_required',
  ReauthRequired: 'auth.reauth_required',
  StepUpRequired: 'auth.step_up_required',
  MfaEnrolmentRequired: 'auth.mfa_enrolment_required',
  PasswordChangeRequired: 'auth.password_change_required',
  MfaNotEnrolled: 'auth.mfa_not_enrolled',
  AmbiguousCredentials: 'auth.ambiguous_credentials',
  ApiKeyNotAllowed: 'auth.api_key_not_allowed',
  ApiKeyNotFound: 'api_key.not_found',
  NotFound: 'common.not_found',
  RequestNotFound: 'request.not_found',
  RequestInvalidTransition: 'request.invalid_transition',
  RequestVersionConflict: 'request.version_conflict',
  RequestPreconditionFailed: 'request.precondition_failed',
  RequestPreconditionRequired: 'request.precondition_required',
  RequestNotEditable: 'request.not_editable',
  RequestTranslationRequired: 'request.translation_required',
  /** A clarification answer changed the request: it goes out only after the supervisor approves it. */
  RequestReapprovalRequired: 'request.reapproval_required',
  RequestVersionNotFound: 'request.version_not_found',
  PreservationNotExtendable: 'request.preservation_not_extendable',
  EmergencyReviewNotDue: 'request.emergency_review_not_due',
  RequestActionForbidden: 'request.action_forbidden',
  RequestNotAccepted: 'request.not_accepted',
  RequestConsentRequired: 'request.consent_required',
  RequestConsentNotFound: 'request.consent_not_found',
  RequestConsentNotApplicable: 'request.consent_not_applicable',
  /** Traffic data is disclosed only while a preservation is being carried out (domain.md §5.3). */
  RequestDisclosureNotAllowed: 'request.disclosure_not_allowed',
  RequestDisclosureNotFound: 'request.disclosure_not_found',
  RequestConsentAlreadyDecided: 'request.consent_already_decided',
  RequestExculpatoryNoticeNotFound: 'request.exculpatory_notice_not_found',
  RequestConsultationAlreadyRequested: 'request.consultation_already_requested',
  RequestAlreadyAssigned: 'request.already_assigned',
  RequestAssignmentNotFound: 'request.assignment_not_found',
  RequestAssigneeNotEligible: 'request.assignee_not_eligible',
  MessageNotAllowed: 'message.not_allowed',
  UserNotFound: 'user.not_found',
  UserConflict: 'user.conflict',
  AgencyNotFound: 'agency.not_found',
  InstrumentProfileNotFound: 'instrument_profile.not_found',
  AgencyConflict: 'agency.conflict',
  EvidenceNotFound: 'evidence.not_found',
  EvidencePackageNotFound: 'evidence.package_not_found',
  /** The request is not in a state where its executing side may add evidence (accepted, in execution). */
  EvidenceUploadNotAllowed: 'evidence.upload_not_allowed',
  /** The client declared a digest and the bytes received do not match it; nothing was stored. */
  EvidenceDigestMismatch: 'evidence.digest_mismatch',
  EvidenceTooLarge: 'evidence.too_large',
  EvidenceMediaTypeNotAllowed: 'evidence.media_type_not_allowed',
  /** Stored bytes no longer match their recorded hash or fail decryption: never served. */
  EvidenceIntegrityFailure: 'evidence.integrity_failure',
  /** The bytes were disposed of under the retention rules; the metadata and hash remain. */
  EvidenceDisposed: 'evidence.disposed',
  EvidenceRangeNotSatisfiable: 'evidence.range_not_satisfiable',
  EvidenceNothingToSeal: 'evidence.nothing_to_seal',
  EvidenceLegalHold: 'evidence.legal_hold',
  EvidencePackageAlreadyAcknowledged: 'evidence.package_already_acknowledged',
  /** The evidence store could not write durably (disk full, I/O error): nothing was acknowledged. */
  EvidenceStorageFailure: 'evidence.storage_failure',
  /** A POST that changes a case was sent without an `Idempotency-Key` header (security.md REL-02). */
  IdempotencyKeyRequired: 'idempotency.key_required',
  /** The `Idempotency-Key` is empty, longer than 255 characters or not printable ASCII. */
  IdempotencyKeyInvalid: 'idempotency.key_invalid',
  /** The key was used before by the same caller with another method, path or body. */
  IdempotencyKeyReused: 'idempotency.key_reused',
  /** A request with this key is still being processed; retry after `Retry-After` seconds. */
  IdempotencyInFlight: 'idempotency.in_flight',
  /** This attempt's claim on the key ran out and another attempt took it over: nothing was done here. */
  IdempotencyLeaseLost: 'idempotency.lease_lost',
  PayloadTooLarge: 'common.payload_too_large',
  UnsupportedMediaType: 'common.unsupported_media_type',
  MethodNotAllowed: 'common.method_not_allowed',
  ServiceUnavailable: 'common.service_unavailable',
  RateLimited: 'common.rate_limited',
  Internal: 'common.internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One entry of `details` on a validation error: the JSON path of the field and what is wrong. */
export interface FieldError {
  field: string;
  messages: string[];
}
