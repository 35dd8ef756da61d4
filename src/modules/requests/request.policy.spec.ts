import { AgencyKind, PartyRelation, Role } from '@mla/contracts';
import type { Principal } from '../auth/principal';
import { needsAssignment, relationsOf, sideOfCaller } from './request.policy';

const VN_UNIT = 'agency-vn-unit';
const VN_CA = 'agency-vn-ca';
const FR_CA = 'agency-fr-ca';
const DE_UNIT = 'agency-de-unit';
const FR_UNIT = 'agency-fr-unit';

function principal(
  agencyId: string,
  agencyKind: AgencyKind,
  stateCode: string,
  role: Role = Role.LiaisonOfficer,
): Principal {
  return {
    userId: `user-of-${agencyId}`,
    username: 'x',
    displayName: 'x',
    role,
    agencyId,
    agencyCode: agencyId,
    agencyKind,
    stateCode,
    sessionId: 's',
    authMethod: 'password',
    authenticatedAt: new Date(),
    secondFactorEnrolled: false,
    restriction: null,
  };
}

const officer = principal(VN_UNIT, AgencyKind.CompetentAuthority, 'VN');
const vnCentral = principal(VN_CA, AgencyKind.CentralAuthority, 'VN', Role.CentralAuthorityOfficer);
const frCentral = principal(FR_CA, AgencyKind.CentralAuthority, 'FR', Role.CentralAuthorityOfficer);
const deOfficer = principal(DE_UNIT, AgencyKind.CompetentAuthority, 'DE');
const deCentral = principal('agency-de-ca', AgencyKind.CentralAuthority, 'DE', Role.CentralAuthorityOfficer);

const frExecuting = principal(FR_UNIT, AgencyKind.CompetentAuthority, 'FR', Role.ExecutingOfficer);

function request(stage: 'draft' | 'approved' | 'transmitted' | 'routed') {
  const at = new Date('2026-03-01T00:00:00Z');
  return {
    requestingAgencyId: VN_UNIT,
    requestingStateCode: 'VN',
    requestedAgencyId: FR_CA,
    executingAgencyId: stage === 'routed' ? FR_UNIT : null,
    createdById: officer.userId,
    editorIds: [],
    approvedAt: stage === 'draft' ? null : at,
    transmittedAt: stage === 'transmitted' || stage === 'routed' ? at : null,
  };
}

describe('who stands where to a request', () => {
  it.each([
    ['the requesting agency, always', officer, 'draft', [PartyRelation.RequestingAgency]],
    ['the requesting central authority, not before approval', vnCentral, 'draft', []],
    [
      'the requesting central authority, from approval on',
      vnCentral,
      'approved',
      [PartyRelation.RequestingCentralAuthority],
    ],
    ['the requested agency, not before transmission', frCentral, 'approved', []],
    ['the requested agency, from transmission on', frCentral, 'transmitted', [PartyRelation.RequestedAgency]],
    ['an executing agency of the requested state, not before routing', frExecuting, 'transmitted', []],
    ['the executing agency it was routed to', frExecuting, 'routed', [PartyRelation.ExecutingAgency]],
    ['the requested agency, still, once routed', frCentral, 'routed', [PartyRelation.RequestedAgency]],
    ['an officer of a third state, never', deOfficer, 'transmitted', []],
    ['the central authority of a third state, never', deCentral, 'transmitted', []],
  ] as const)('%s', (_name, who, stage, expected) => {
    expect([...relationsOf(who, request(stage))]).toEqual(expected);
  });

  it('should tell the caller’s side from their relations', () => {
    expect(sideOfCaller(new Set([PartyRelation.RequestedAgency]))).toBe('requested');
    expect(sideOfCaller(new Set([PartyRelation.ExecutingAgency]))).toBe('requested');
    expect(sideOfCaller(new Set([PartyRelation.RequestingCentralAuthority]))).toBe('requesting');
    expect(sideOfCaller(new Set())).toBeUndefined();
  });
});

describe('need-to-know on confidential requests', () => {
  it.each([
    ['a liaison officer', Role.LiaisonOfficer, true],
    ['an executing officer', Role.ExecutingOfficer, true],
    ['a supervisor', Role.Supervisor, false],
    ['a central authority officer', Role.CentralAuthorityOfficer, false],
    ['a 24/7 operator', Role.ContactPointOperator, false],
  ] as const)('%s needs an assignment: %s', (_name, role, expected) => {
    const who = principal(VN_UNIT, AgencyKind.CompetentAuthority, 'VN', role);
    expect(needsAssignment(who, { confidential: true })).toBe(expected);
    expect(needsAssignment(who, { confidential: false })).toBe(false);
  });
});
