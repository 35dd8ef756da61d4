import type { Schemas } from '@mla/api-client';

export const REQUEST_ID = '0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10';

export const VN_AGENCY: Schemas['AgencyDto'] = {
  id: '00000000-0000-4000-8000-000000000001',
  code: 'VN-C50',
  name: 'Cybercrime department',
  stateCode: 'VN',
  kind: 'competent_authority',
  timeZone: 'Asia/Ho_Chi_Minh',
  active: true,
};
export const FR_AGENCY: Schemas['AgencyDto'] = {
  id: '00000000-0000-4000-8000-000000000002',
  code: 'FR-CA',
  name: 'French central authority',
  stateCode: 'FR',
  kind: 'central_authority',
  timeZone: 'Europe/Paris',
  active: true,
};

/** A transmitted request from Viet Nam to France, as GET /v1/requests/{id} answers it. */
export function requestDto(over: Partial<Schemas['RequestDto']> = {}): Schemas['RequestDto'] {
  return {
    id: REQUEST_ID,
    reference: 'VN-2026-0001',
    title: 'Phishing campaign',
    type: 'mla_general',
    legalBasis: 'uncc',
    profileVersion: 1,
    status: 'under_assessment',
    version: 7,
    urgencyLevel: 'normal',
    confidential: false,
    language: 'en',
    contentVersion: 1,
    requestingAgency: VN_AGENCY,
    requestedAgency: FR_AGENCY,
    allowedActions: [],
    createdAt: '2026-11-01T08:00:00Z',
    updatedAt: '2026-11-02T08:00:00Z',
    createdBy: { id: 'u1', displayName: 'Ana' },
    factsSummary: 'Facts',
    purpose: 'Purpose',
    offences: [],
    subjects: [],
    targets: [],
    timeRange: null,
    preservation: null,
    details: null,
    refusal: null,
    executingAgency: null,
    clarification: null,
    consultation: null,
    conditions: [],
    postponement: null,
    requestedItems: [],
    itemOutcomes: null,
    submittedAt: '2026-11-01T09:00:00Z',
    approvedAt: '2026-11-01T10:00:00Z',
    transmittedAt: '2026-11-01T11:00:00Z',
    deadlines: [],
    links: [],
    oralContacts: [],
    emergencyReview: null,
    ...over,
  } as Schemas['RequestDto'];
}

export function meDto(
  agency: Schemas['AgencyDto'],
  role: Schemas['MeDto']['role'],
  permissions: string[] = ['request.read', 'request.transition', 'message.read', 'message.create'],
): Schemas['MeDto'] {
  return {
    id: `user-${role}`,
    username: 'someone',
    displayName: 'Someone',
    role,
    permissions,
    agency: {
      id: agency.id,
      code: agency.code,
      name: agency.name,
      kind: agency.kind,
      stateCode: agency.stateCode,
    },
    secondFactor: { enrolled: true, required: false, recoveryCodesLeft: 10, sessionRestriction: null },
  } as Schemas['MeDto'];
}
