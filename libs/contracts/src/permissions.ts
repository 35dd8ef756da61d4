import { Role } from './roles';

/** Function-level permissions, `resource.action`. Row-level visibility is decided separately. */
export const Permission = {
  ProfileRead: 'profile.read',
  DirectoryRead: 'directory.read',
  DirectoryManage: 'directory.manage',
  InstrumentProfileManage: 'instrument_profile.manage',
  RequestRead: 'request.read',
  RequestCreate: 'request.create',
  RequestUpdate: 'request.update',
  RequestTransition: 'request.transition',
  RequestAssign: 'request.assign',
  MessageRead: 'message.read',
  MessageCreate: 'message.create',
  /** Evidence metadata, custody trail, receipts and packages of a visible request. */
  EvidenceRead: 'evidence.read',
  /** Evidence bytes: separate from metadata, so a role can list items without reading the payload. */
  EvidenceDownload: 'evidence.download',
  EvidenceUpload: 'evidence.upload',
  /** Dispose of bytes before their retention ends, and set or lift a legal hold. */
  EvidenceDispose: 'evidence.dispose',
  AuditRead: 'audit.read',
  AuditVerify: 'audit.verify',
  /** Set or lift a legal hold on a request's audit trail, which keeps it from retention's redaction. */
  AuditLegalHold: 'audit.legal_hold',
  UserRead: 'user.read',
  UserManage: 'user.manage',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

const CASE_WORK: readonly Permission[] = [
  Permission.ProfileRead,
  Permission.DirectoryRead,
  Permission.RequestRead,
  Permission.RequestTransition,
  Permission.MessageRead,
  Permission.MessageCreate,
  Permission.EvidenceRead,
  Permission.EvidenceDownload,
  Permission.EvidenceUpload,
];

/**
 * The role to permission table. Admins manage accounts and the directory but never read case
 * content; auditors read the audit trail but not the requests themselves.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  [Role.LiaisonOfficer]: [...CASE_WORK, Permission.RequestCreate, Permission.RequestUpdate],
  [Role.Supervisor]: [
    ...CASE_WORK,
    Permission.RequestCreate,
    Permission.RequestUpdate,
    Permission.RequestAssign,
    Permission.EvidenceDispose,
  ],
  // Central authorities check and transmit what competent authorities draft (domain.md §3.2).
  [Role.CentralAuthorityOfficer]: [...CASE_WORK, Permission.RequestAssign, Permission.EvidenceDispose],
  [Role.ExecutingOfficer]: [...CASE_WORK],
  // A 24/7 point works in shifts with no supervisor on duty at night, and its operators decide on
  // incoming requests (acknowledge, accept, refuse): they hand out need-to-know themselves.
  [Role.ContactPointOperator]: [
    ...CASE_WORK,
    Permission.RequestCreate,
    Permission.RequestUpdate,
    Permission.RequestAssign,
  ],
  [Role.Auditor]: [
    Permission.ProfileRead,
    Permission.DirectoryRead,
    Permission.AuditRead,
    Permission.AuditVerify,
    Permission.AuditLegalHold,
  ],
  [Role.Admin]: [
    Permission.ProfileRead,
    Permission.DirectoryRead,
    Permission.DirectoryManage,
    Permission.InstrumentProfileManage,
    Permission.UserRead,
    Permission.UserManage,
  ],
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Roles that work on requests, and so may be assigned to one. */
export const CASE_ROLES: readonly Role[] = (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((role) =>
  hasPermission(role, Permission.RequestRead),
);

/**
 * Roles that see every confidential request of their agency without being assigned to it. Exactly
 * those who may assign: anyone who can hand out need-to-know could give it to themselves anyway.
 */
export function seesAllConfidentialRequests(role: Role): boolean {
  return hasPermission(role, Permission.RequestAssign);
}

/**
 * Roles a service account (behind API keys) may hold: case roles that neither administer, audit nor
 * hand out need-to-know. A key is one factor held by a machine for up to a year; a leaked one must
 * not read every confidential request of its agency or grant access to others.
 */
export const SERVICE_ACCOUNT_ROLES: readonly Role[] = CASE_ROLES.filter(
  (role) => !seesAllConfidentialRequests(role),
);
