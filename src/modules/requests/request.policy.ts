import {
  AgencyKind,
  PartyRelation,
  seesAllConfidentialRequests,
  sideOf,
  type ActorStanding,
  type RequestSide,
} from '@mla/contracts';
import type { Principal } from '../auth/principal';
import type { CooperationRequestEntity } from './cooperation-request.entity';

type RequestFacts = Pick<
  CooperationRequestEntity,
  | 'requestingAgencyId'
  | 'requestingStateCode'
  | 'requestedAgencyId'
  | 'executingAgencyId'
  | 'approvedAt'
  | 'transmittedAt'
  | 'createdById'
  | 'editorIds'
>;

/**
 * How the caller stands to a request (row-level access). The requesting agency always; the central
 * authority of the requesting state once the request is approved (it transmits it); the requested
 * agency once the request has been transmitted, and the agency its central authority routed it to
 * for execution. Nobody else: for them the request does not exist.
 */
export function relationsOf(principal: Principal, request: RequestFacts): Set<PartyRelation> {
  const relations = new Set<PartyRelation>();
  if (principal.agencyId === request.requestingAgencyId) relations.add(PartyRelation.RequestingAgency);
  if (
    principal.agencyKind === AgencyKind.CentralAuthority &&
    principal.stateCode === request.requestingStateCode &&
    request.approvedAt !== null
  ) {
    relations.add(PartyRelation.RequestingCentralAuthority);
  }
  if (principal.agencyId === request.requestedAgencyId && request.transmittedAt !== null) {
    relations.add(PartyRelation.RequestedAgency);
  }
  if (
    request.executingAgencyId !== null &&
    principal.agencyId === request.executingAgencyId &&
    request.executingAgencyId !== request.requestedAgencyId &&
    request.transmittedAt !== null
  ) {
    relations.add(PartyRelation.ExecutingAgency);
  }
  return relations;
}

export function standingOf(
  principal: Principal,
  request: RequestFacts & Pick<CooperationRequestEntity, 'clarification'>,
): ActorStanding {
  return {
    role: principal.role,
    relations: relationsOf(principal, request),
    // Four-eyes: whoever wrote or edited the content counts as its author, and so does whoever wrote
    // the answer waiting for approval (a supervisor may write one): neither is offered the approval.
    isAuthor:
      principal.userId === request.createdById ||
      request.editorIds.includes(principal.userId) ||
      request.clarification?.pendingAnswer?.byId === principal.userId,
  };
}

/**
 * Need-to-know (SEC-13): within a party agency, a confidential request is for its assigned officers
 * and for those who may assign. When this is true, visibility also needs an open assignment of the
 * caller in their own agency; without one the request does not exist for them, exactly like an
 * unrelated one.
 */
export function needsAssignment(
  principal: Principal,
  request: Pick<CooperationRequestEntity, 'confidential'>,
): boolean {
  return request.confidential && !seesAllConfidentialRequests(principal.role);
}

/** The agencies of the requested side: the requested agency, and the executing agency it routed to. */
export function requestedSideAgencies(
  request: Pick<CooperationRequestEntity, 'requestedAgencyId' | 'executingAgencyId'>,
): string[] {
  return request.executingAgencyId
    ? [request.requestedAgencyId, request.executingAgencyId]
    : [request.requestedAgencyId];
}

/** The caller's side of a request they can see: requesting wins when an agency is somehow both. */
export function sideOfCaller(relations: ReadonlySet<PartyRelation>): RequestSide | undefined {
  const sides = [...relations].map(sideOf);
  if (sides.includes('requesting')) return 'requesting';
  return sides.includes('requested') ? 'requested' : undefined;
}

/**
 * The same rule as relationsOf plus needsAssignment, as a SQL condition on alias `r`, for lists. The
 * two are kept in step by a test that compares them on every combination. `branches` are the
 * relations one by one and `restriction` the need-to-know part (null when the caller sees every
 * confidential request): `sql` is any branch AND the restriction. Each branch is served by an index
 * on (its agency or state, created_at, id), which the list uses to page without sorting every
 * visible request.
 */
export function visibilityCondition(
  principal: Principal,
  box: 'outgoing' | 'incoming' | undefined,
): { sql: string; params: Record<string, string>; branches: string[]; restriction: string | null } {
  const branches: string[] = [];
  if (box !== 'incoming') {
    branches.push('r.requesting_agency_id = :viewerAgencyId');
    if (principal.agencyKind === AgencyKind.CentralAuthority) {
      branches.push('(r.requesting_state_code = :viewerStateCode AND r.approved_at IS NOT NULL)');
    }
  }
  if (box !== 'outgoing') {
    branches.push('(r.requested_agency_id = :viewerAgencyId AND r.transmitted_at IS NOT NULL)');
    branches.push('(r.executing_agency_id = :viewerAgencyId AND r.transmitted_at IS NOT NULL)');
  }
  const related = `(${branches.join(' OR ')})`;
  const params = {
    viewerAgencyId: principal.agencyId,
    viewerStateCode: principal.stateCode,
    viewerUserId: principal.userId,
  };
  if (seesAllConfidentialRequests(principal.role))
    return { sql: related, params, branches, restriction: null };
  // OFFSET 0 keeps the check a per-row probe of the assignment index. Without it PostgreSQL turns an
  // EXISTS under OR into a hashed subplan that first reads every open assignment of the caller (a
  // parallel scan of the whole table at 1M requests), even when the page needs a few dozen rows.
  const assigned =
    'EXISTS (SELECT 1 FROM request_assignment a WHERE a.request_id = r.id AND a.user_id = :viewerUserId' +
    ' AND a.agency_id = :viewerAgencyId AND a.unassigned_at IS NULL OFFSET 0)';
  const restriction = `(r.confidential = false OR ${assigned})`;
  return { sql: `(${related} AND ${restriction})`, params, branches, restriction };
}
