import { Role } from './roles';

/** Function-level permissions, `resource.action`. Row-level visibility is decided separately. */
export const Permission = {
  ProfileRead: 'profile.read',
  DirectoryRead: 'directory.read',
  RequestRead: 'request.read',
  RequestCreate: 'request.create',
  RequestUpdate: 'request.update',
  RequestTransition: 'request.transition',
  MessageRead: 'message.read',
  MessageCreate: 'message.create',
  AuditRead: 'audit.read',
  AuditVerify: 'audit.verify',
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
];

/**
 * The role to permission table. Admins manage accounts and the directory but never read case
 * content; auditors read the audit trail but not the requests themselves.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  [Role.LiaisonOfficer]: [...CASE_WORK, Permission.RequestCreate, Permission.RequestUpdate],
  [Role.Supervisor]: [...CASE_WORK, Permission.RequestCreate, Permission.RequestUpdate],
  // Central authorities check and transmit what competent authorities draft (domain.md §3.2).
  [Role.CentralAuthorityOfficer]: [...CASE_WORK],
  [Role.ExecutingOfficer]: [...CASE_WORK],
  [Role.ContactPointOperator]: [...CASE_WORK, Permission.RequestCreate, Permission.RequestUpdate],
  [Role.Auditor]: [
    Permission.ProfileRead,
    Permission.DirectoryRead,
    Permission.AuditRead,
    Permission.AuditVerify,
  ],
  [Role.Admin]: [
    Permission.ProfileRead,
    Permission.DirectoryRead,
    Permission.UserRead,
    Permission.UserManage,
  ],
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
