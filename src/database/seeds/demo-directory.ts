import { AgencyKind, LegalSystemFamily, Role } from '@mla/contracts';

/**
 * Demo directory and accounts (architecture.md §8). Loaded only in demo mode, into an empty
 * database; never in production. Agency names are illustrative, not official designations.
 */
export const DEMO_STATES = [
  { code: 'VN', name: 'Viet Nam', legalSystem: LegalSystemFamily.CivilLaw, languages: ['vi', 'en'] },
  { code: 'FR', name: 'France', legalSystem: LegalSystemFamily.CivilLaw, languages: ['fr', 'en'] },
  { code: 'DE', name: 'Germany', legalSystem: LegalSystemFamily.CivilLaw, languages: ['de', 'en'] },
] as const;

export const DEMO_AGENCIES = [
  {
    code: 'VN-C50',
    name: 'Department of Cybersecurity and High-Tech Crime Prevention',
    stateCode: 'VN',
    kind: AgencyKind.CompetentAuthority,
    timeZone: 'Asia/Ho_Chi_Minh',
  },
  {
    code: 'VN-CA',
    name: 'Central Authority for Mutual Legal Assistance (Viet Nam)',
    stateCode: 'VN',
    kind: AgencyKind.CentralAuthority,
    timeZone: 'Asia/Ho_Chi_Minh',
  },
  {
    code: 'VN-OVERSIGHT',
    name: 'Inspectorate for Cooperation Oversight (Viet Nam)',
    stateCode: 'VN',
    kind: AgencyKind.OversightBody,
    timeZone: 'Asia/Ho_Chi_Minh',
  },
  {
    code: 'VN-PORTAL',
    name: 'Portal Operations (Viet Nam)',
    stateCode: 'VN',
    kind: AgencyKind.PortalOperator,
    timeZone: 'Asia/Ho_Chi_Minh',
  },
  {
    code: 'FR-CA',
    name: 'Central Authority for Mutual Legal Assistance (France)',
    stateCode: 'FR',
    kind: AgencyKind.CentralAuthority,
    timeZone: 'Europe/Paris',
  },
  {
    code: 'FR-247',
    name: '24/7 Contact Point for Cybercrime (France)',
    stateCode: 'FR',
    kind: AgencyKind.ContactPoint247,
    timeZone: 'Europe/Paris',
  },
  {
    // An executing agency: the French central authority routes requests to it (T7).
    code: 'FR-OFAC',
    name: 'Office for Combating Cybercrime (France)',
    stateCode: 'FR',
    kind: AgencyKind.CompetentAuthority,
    timeZone: 'Europe/Paris',
  },
  {
    // Where a preservation goes when French traffic data points to a German provider (scenario 2).
    code: 'DE-247',
    name: '24/7 Contact Point for Cybercrime (Germany)',
    stateCode: 'DE',
    kind: AgencyKind.ContactPoint247,
    timeZone: 'Europe/Berlin',
  },
  {
    code: 'DE-BKA-CC',
    name: 'Cybercrime Unit (Germany)',
    stateCode: 'DE',
    kind: AgencyKind.CompetentAuthority,
    timeZone: 'Europe/Berlin',
  },
] as const;

export const DEMO_ACCOUNTS = [
  { username: 'vn.officer', displayName: 'Nguyen Van An', agencyCode: 'VN-C50', role: Role.LiaisonOfficer },
  { username: 'vn.supervisor', displayName: 'Tran Thi Binh', agencyCode: 'VN-C50', role: Role.Supervisor },
  {
    username: 'vn.central',
    displayName: 'Le Minh Chau',
    agencyCode: 'VN-CA',
    role: Role.CentralAuthorityOfficer,
  },
  {
    username: 'fr.central',
    displayName: 'Camille Durand',
    agencyCode: 'FR-CA',
    role: Role.CentralAuthorityOfficer,
  },
  {
    username: 'fr.executing',
    displayName: 'Julien Moreau',
    agencyCode: 'FR-CA',
    role: Role.ExecutingOfficer,
  },
  {
    username: 'fr.contact',
    displayName: 'Sophie Bernard',
    agencyCode: 'FR-247',
    role: Role.ContactPointOperator,
  },
  {
    username: 'fr.investigator',
    displayName: 'Nadia Lefebvre',
    agencyCode: 'FR-OFAC',
    role: Role.ExecutingOfficer,
  },
  { username: 'de.officer', displayName: 'Jonas Weber', agencyCode: 'DE-BKA-CC', role: Role.LiaisonOfficer },
  { username: 'auditor', displayName: 'Pham Quoc Dung', agencyCode: 'VN-OVERSIGHT', role: Role.Auditor },
  { username: 'admin', displayName: 'Portal Administrator', agencyCode: 'VN-PORTAL', role: Role.Admin },
] as const;
