import type { MessageKey, Translate } from './i18n';

/**
 * The API's error codes (libs/contracts/src/error-codes.ts) a user of these screens can meet, in
 * words. The envelope's `message` is English for every client, so it is never shown as such; a
 * code this table does not know yet falls back to the generic message naming the code.
 */
const KNOWN: Record<string, MessageKey> = {
  '': 'error.network',
  'validation.failed': 'error.validation',
  'validation.malformed_body': 'error.validation',
  'auth.unauthenticated': 'error.unauthenticated',
  'auth.permission_denied': 'error.permission',
  'auth.step_up_required': 'error.stepUp',
  'auth.reauth_required': 'error.stepUp',
  'auth.password_change_required': 'error.passwordChange',
  'auth.mfa_enrolment_required': 'error.mfaEnrolment',
  'auth.mfa_not_enrolled': 'error.mfaNotEnrolled',
  'common.not_found': 'error.notFound',
  'request.not_found': 'error.notFound',
  'request.consent_not_found': 'error.notFound',
  'request.version_conflict': 'error.conflict',
  'request.precondition_failed': 'error.conflict',
  'request.invalid_transition': 'error.invalidTransition',
  'request.action_forbidden': 'error.permission',
  'request.reapproval_required': 'thread.reapproval',
  'request.consent_already_decided': 'error.consentAlreadyDecided',
  'message.not_allowed': 'error.messageNotAllowed',
  'common.rate_limited': 'login.rateLimited',
  'common.service_unavailable': 'error.unavailable',
  'common.internal': 'error.internal',
  network: 'error.network',
};

/**
 * Refusals that mean the request moved on since the page read it (an If-Match of an old version,
 * or a status another user changed): the page should read it again before the user retries.
 */
const STALE: ReadonlySet<string> = new Set([
  'request.version_conflict',
  'request.precondition_failed',
  'request.invalid_transition',
]);

/** Whatever carries the code: the envelope itself, or the Error a query threw with the code as its message. */
export type ErrorSource = { code?: string } | Error | string | null | undefined;

function codeOf(source: ErrorSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof Error) return source.message;
  return source?.code ?? '';
}

/** Whether the refusal says the request shown is out of date. */
export function isStale(source: ErrorSource): boolean {
  return STALE.has(codeOf(source));
}

/** The user's words for a failed call: the catalogue's for a known code, else "Something went wrong: code". */
export function errorText(t: Translate, source: ErrorSource): string {
  const code = codeOf(source);
  const key = Object.hasOwn(KNOWN, code) ? KNOWN[code] : undefined;
  return key ? t(key) : t('app.error', { code });
}
