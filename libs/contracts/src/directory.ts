/** Kinds of agency in the directory (domain.md §3.1). */
export const AgencyKind = {
  CentralAuthority: 'central_authority',
  CompetentAuthority: 'competent_authority',
  ContactPoint247: 'contact_point_24_7',
  OversightBody: 'oversight_body',
  PortalOperator: 'portal_operator',
} as const;
export type AgencyKind = (typeof AgencyKind)[keyof typeof AgencyKind];

export const LegalSystemFamily = {
  CivilLaw: 'civil_law',
  CommonLaw: 'common_law',
  Mixed: 'mixed',
  Socialist: 'socialist_law',
  Religious: 'religious_law',
} as const;
export type LegalSystemFamily = (typeof LegalSystemFamily)[keyof typeof LegalSystemFamily];
