/**
 * Grounds for refusal (domain.md §7). This catalogue is data: the instrument profiles of a later
 * issue narrow it per legal basis; here it is keyed by request type only.
 */
export interface GroundDefinition {
  readonly code: string;
  readonly title: string;
  readonly source: string;
}

export const GENERAL_MLA_REFUSAL_GROUNDS: readonly GroundDefinition[] = [
  {
    code: 'REF_NONCONFORMING',
    title: 'Request does not meet the formal requirements',
    source: 'UNCAC 46(21)(a)',
  },
  {
    code: 'REF_ESSENTIAL_INTERESTS',
    title: 'Sovereignty, security, ordre public or other essential interests',
    source: 'UNCAC 46(21)(b); BUD 27(4)(b)',
  },
  {
    code: 'REF_DOMESTIC_PROHIBITION',
    title: 'Action not possible for a similar domestic offence',
    source: 'UNCAC 46(21)(c)',
  },
  {
    code: 'REF_CONTRARY_TO_LEGAL_SYSTEM',
    title: 'Contrary to the legal system of the requested state',
    source: 'UNCAC 46(21)(d)',
  },
  { code: 'REF_POLITICAL_OFFENCE', title: 'Political offence or connected offence', source: 'BUD 27(4)(a)' },
  {
    code: 'REF_DISCRIMINATION',
    title: 'Request aims at prosecution on discriminatory grounds',
    source: 'UNCC 40 [U]',
  },
  {
    code: 'REF_NO_DUAL_CRIMINALITY',
    title: 'Conduct is not an offence in the requested state',
    source: 'UNCAC 46(9)(b); BUD 25(5)',
  },
  {
    code: 'REF_HUMAN_RIGHTS_OTHER',
    title: 'Other human-rights based refusal',
    source: 'UNCC Art 6, Art 24 context [P]',
  },
  { code: 'REF_DE_MINIMIS', title: 'Trivial matter', source: 'UNCAC 46(9)(b)' },
];

export const PRESERVATION_REFUSAL_GROUNDS: readonly GroundDefinition[] = [
  { code: 'REF_PRES_POLITICAL', title: 'Political offence', source: 'BUD 29(5)(a)' },
  { code: 'REF_PRES_ESSENTIAL_INTERESTS', title: 'Essential interests', source: 'BUD 29(5)(b)' },
  {
    code: 'REF_PRES_DC_RESERVATION',
    title: 'Dual-criminality reservation for non-Convention offences',
    source: 'BUD 29(4)',
  },
];

/** Codes that may never be given as a ground (domain.md §7.1, §7.2): selecting one is refused. */
export const NOT_A_GROUND: readonly GroundDefinition[] = [
  {
    code: 'NOTGROUND_FISCAL',
    title: 'Fiscal matters alone are not a ground',
    source: 'UNCAC 46(22); BUD 25(4)',
  },
  { code: 'NOTGROUND_BANK_SECRECY', title: 'Bank secrecy is not a ground', source: 'UNCAC 46(8)' },
  {
    code: 'NOTGROUND_PRES_NO_DC',
    title: 'Lack of dual criminality alone is not a ground for preservation',
    source: 'BUD 29(3)',
  },
];

export type GroundCheck = { ok: true } | { ok: false; invalid: string[]; notGrounds: string[] };

/**
 * Checks ground codes given for a refusal against those the request's instrument profile allows
 * (the profile decides which grounds apply; this catalogue says what each code means).
 */
export function checkRefusalGrounds(allowedCodes: readonly string[], codes: readonly string[]): GroundCheck {
  const allowed = new Set(allowedCodes);
  const forbidden = new Set(NOT_A_GROUND.map((ground) => ground.code));
  const notGrounds = codes.filter((code) => forbidden.has(code));
  const invalid = codes.filter((code) => !allowed.has(code) && !forbidden.has(code));
  return notGrounds.length === 0 && invalid.length === 0 ? { ok: true } : { ok: false, invalid, notGrounds };
}
