import type { AgencyKind, Role } from '@mla/contracts';
import type { AuditActor } from '../audit/audit.types';
import type { AgencyEntity } from '../directory/agency.entity';
import type { UserEntity } from '../users/user.entity';

/** The authenticated caller, re-read from the database on every call (a disabled account stops at once). */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  agencyId: string;
  agencyCode: string;
  agencyKind: AgencyKind;
  stateCode: string;
  /** The session, or for a service account the API key it presented. */
  sessionId: string;
  /** How the session was opened: `password`, `password+totp` or `password+recovery_code`; or `api_key`. */
  authMethod: string;
  /** The latest full authentication (login or step-up); privileged actions need it recent. */
  authenticatedAt: Date;
  secondFactorEnrolled: boolean;
  /** Set while the session may only finish the account's set-up. */
  restriction: SessionRestriction | null;
}

/**
 * A session that must first change its password (after an administrator's reset) or enrol a second
 * factor (when one is required and the account has none yet) may call only the routes that do that.
 */
export type SessionRestriction = 'password_change' | 'mfa_enrolment';

export function restrictionOf(
  user: Pick<UserEntity, 'mustChangePassword'>,
  session: { authMethod: string },
  mfaRequired: boolean,
): SessionRestriction | null {
  if (user.mustChangePassword) return 'password_change';
  if (mfaRequired && !hasSecondFactor(session.authMethod)) return 'mfa_enrolment';
  return null;
}

export const hasSecondFactor = (authMethod: string): boolean => authMethod !== 'password';

/** Step-up (SEC-10): whether the session's last full authentication is recent enough for a privileged action. */
export function authenticatedRecently(principal: Principal, now: Date, maxAgeSeconds: number): boolean {
  return now.getTime() - principal.authenticatedAt.getTime() <= maxAgeSeconds * 1000;
}
/** The `authMethod` of a principal authenticated by an API key. */
export const API_KEY_AUTH_METHOD = 'api_key';

export function auditActor(principal: Principal): AuditActor {
  return {
    userId: principal.userId,
    agencyId: principal.agencyId,
    role: principal.role,
    authMethod: principal.authMethod === API_KEY_AUTH_METHOD ? API_KEY_AUTH_METHOD : 'token',
  };
}

/** The principal of a user (with its agency loaded) acting in a session. */
export function principalOf(
  user: UserEntity & { agency: AgencyEntity },
  session: { id: string; authMethod: string; authenticatedAt: Date },
  mfaRequired: boolean,
): Principal {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    agencyId: user.agencyId,
    agencyCode: user.agency.code,
    agencyKind: user.agency.kind,
    stateCode: user.agency.stateCode,
    sessionId: session.id,
    authMethod: session.authMethod,
    authenticatedAt: session.authenticatedAt,
    secondFactorEnrolled: user.totpEnrolledAt !== null,
    restriction: restrictionOf(user, session, mfaRequired),
  };
}
