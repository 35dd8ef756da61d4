import type { AgencyKind, Role } from '@mla/contracts';
import type { AuditActor } from '../audit/audit.types';

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
  sessionId: string;
  /** How the session was opened (`password`; `password+totp` once the second factor exists). */
  authMethod: string;
}

export function auditActor(principal: Principal): AuditActor {
  return {
    userId: principal.userId,
    agencyId: principal.agencyId,
    role: principal.role,
    authMethod: 'token',
  };
}
