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
  RequestActionForbidden: 'request.action_forbidden',
  MessageNotAllowed: 'message.not_allowed',
  UserNotFound: 'user.not_found',
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
