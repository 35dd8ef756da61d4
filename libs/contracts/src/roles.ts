/** Portal roles (architecture.md §3). A user belongs to one agency and holds exactly one role in it. */
export const Role = {
  LiaisonOfficer: 'liaison_officer',
  Supervisor: 'supervisor',
  CentralAuthorityOfficer: 'central_authority_officer',
  ExecutingOfficer: 'executing_officer',
  ContactPointOperator: 'contact_point_operator',
  Auditor: 'auditor',
  Admin: 'admin',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);
