import { RequestStatus, PartyRelation, type TransitionActor } from './request-lifecycle';
import { Role } from './roles';

/**
 * Consent workflows (domain.md §8.2). Material received under a request is bound by speciality and
 * by the conditions attached to it: using it in another proceeding, or passing it to a third state,
 * needs the prior consent of the requested (providing) side.
 */
export const ConsentKind = {
  /** Use in a proceeding other than the one the request names (speciality, UNCAC 46(19)). */
  FurtherUse: 'further_use',
  /** Transfer to a third state (UNCC 36; BUD-P2 14). */
  OnwardTransfer: 'onward_transfer',
} as const;
export type ConsentKind = (typeof ConsentKind)[keyof typeof ConsentKind];
export const CONSENT_KINDS: readonly ConsentKind[] = Object.values(ConsentKind);

/** The requested side's answer to a consent request; it is given once. */
export const ConsentDecision = {
  Granted: 'granted',
  Refused: 'refused',
  /** Granted on conditions, which travel with every use the consent covers. */
  Conditional: 'conditional',
} as const;
export type ConsentDecision = (typeof ConsentDecision)[keyof typeof ConsentDecision];
export const CONSENT_DECISIONS: readonly ConsentDecision[] = Object.values(ConsentDecision);

/** Decisions that allow the use they answer. */
export const PERMISSIVE_CONSENT_DECISIONS: readonly ConsentDecision[] = [
  ConsentDecision.Granted,
  ConsentDecision.Conditional,
];

/**
 * Statuses in which the requested side has certainly accepted the request (each is reachable only
 * through `accept` or `accept_conditions`), so material may have reached the requesting side and its use is bound.
 * `withdrawn` and `closed` are reachable both before and after acceptance: there the request's
 * history decides (an acceptance on record). Before acceptance there is nothing to consent to.
 */
export const ACCEPTED_STATUSES: readonly RequestStatus[] = [
  RequestStatus.Accepted,
  RequestStatus.InExecution,
  RequestStatus.Postponed,
  RequestStatus.PartiallyExecuted,
  RequestStatus.Executed,
  RequestStatus.Lapsed,
];
/** A consultation may be opened before acceptance or during execution: the history decides there too. */
export const ACCEPTANCE_IN_HISTORY_STATUSES: readonly RequestStatus[] = [
  RequestStatus.InConsultation,
  RequestStatus.ConditionsProposed,
  RequestStatus.Refused,
  RequestStatus.Withdrawn,
  RequestStatus.Closed,
];
/** The audit actions by which the requested side accepts a request, with or without conditions. */
export const ACCEPTANCE_ACTIONS: readonly string[] = ['request.accept', 'request.accept_conditions'];

/**
 * Who speaks for the requesting side on the use of material: those who made the request (liaison
 * officer, supervisor) and the central authority that transmitted it. They raise consent requests,
 * record the uses consented to and file exculpatory-disclosure notices.
 */
export const USE_ACTORS: readonly TransitionActor[] = [
  { relation: PartyRelation.RequestingAgency, roles: [Role.LiaisonOfficer, Role.Supervisor] },
  { relation: PartyRelation.RequestingCentralAuthority, roles: [Role.CentralAuthorityOfficer] },
];

/**
 * Who decides for the requested side: those who decide on the request itself (accept, refuse).
 * They decide consents and ask for consultation on an exculpatory-disclosure notice.
 */
export const CONSENT_DECIDERS: readonly TransitionActor[] = [
  {
    relation: PartyRelation.RequestedAgency,
    roles: [Role.CentralAuthorityOfficer, Role.ContactPointOperator],
  },
];
