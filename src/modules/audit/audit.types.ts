import type { Role } from '@mla/contracts';

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** Who did it. `null` actor means the system itself, or an unauthenticated caller. */
export interface AuditActor {
  userId: string;
  agencyId: string;
  role: Role;
  /** `password`, `password+totp`, `token` (a refresh exchange), `api_key`… */
  authMethod: string;
}

export interface AuditEvent {
  /** `resource.verb`, e.g. `request.transmit`, `auth.login_failed`. */
  action: string;
  outcome: AuditOutcome;
  actor: AuditActor | null;
  target: { type: string; id: string | null };
  requestId?: string | null;
  /** Small, non-secret facts: from/to state, reasons, ground codes. Never credentials or case content. */
  data?: Record<string, unknown>;
}

/** The versioned record that is canonicalised and hashed (security.md §4.2, the subset we hold now). */
export interface AuditBody {
  v: 1;
  seq: number;
  id: string;
  ts: string;
  type: string;
  outcome: AuditOutcome;
  actor: { user: string; agency: string; role: string; auth: string } | null;
  target: { type: string; id: string | null; request: string | null };
  corr: string | null;
  src: { ip: string | null };
  data: Record<string, unknown>;
}
