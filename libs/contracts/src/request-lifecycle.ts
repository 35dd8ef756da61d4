import { Role } from './roles';
import type { AgencyKind } from './directory';
import { MessageKind, type RequestType } from './request-vocabulary';

/** Lifecycle of a cooperation request (domain.md §6, the thin set of the walking skeleton). */
export const RequestStatus = {
  Draft: 'draft',
  PendingApproval: 'pending_approval',
  Ready: 'ready',
  Transmitted: 'transmitted',
  Received: 'received',
  ClarificationRequested: 'clarification_requested',
  Accepted: 'accepted',
  InExecution: 'in_execution',
  Executed: 'executed',
  Refused: 'refused',
  Withdrawn: 'withdrawn',
  /** Ran out: a preservation period passed with no extension or follow-up (domain.md §6.1, T21). */
  Lapsed: 'lapsed',
  Closed: 'closed',
} as const;
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];
export const REQUEST_STATUSES: readonly RequestStatus[] = Object.values(RequestStatus);

export const RequestAction = {
  Submit: 'submit',
  ReturnToDraft: 'return_to_draft',
  Approve: 'approve',
  Transmit: 'transmit',
  Acknowledge: 'acknowledge',
  RequestClarification: 'request_clarification',
  AnswerClarification: 'answer_clarification',
  Accept: 'accept',
  Refuse: 'refuse',
  StartExecution: 'start_execution',
  MarkExecuted: 'mark_executed',
  Withdraw: 'withdraw',
  /** Fired by the deadline job only, never by a person. */
  Lapse: 'lapse',
  Close: 'close',
} as const;
export type RequestAction = (typeof RequestAction)[keyof typeof RequestAction];
export const REQUEST_ACTIONS: readonly RequestAction[] = Object.values(RequestAction);

/**
 * How a user stands to a request. The requesting side is the requesting agency, plus the central
 * authority of the requesting state once the request has been approved; the requested side is the
 * requested agency once the request has been transmitted.
 */
export const PartyRelation = {
  RequestingAgency: 'requesting_agency',
  RequestingCentralAuthority: 'requesting_central_authority',
  RequestedAgency: 'requested_agency',
} as const;
export type PartyRelation = (typeof PartyRelation)[keyof typeof PartyRelation];

export type RequestSide = 'requesting' | 'requested';

export function sideOf(relation: PartyRelation): RequestSide {
  return relation === PartyRelation.RequestedAgency ? 'requested' : 'requesting';
}

export type TransitionInput = 'reason' | 'grounds';

export interface TransitionActor {
  readonly relation: PartyRelation;
  readonly roles: readonly Role[];
}

export interface TransitionRule {
  readonly action: RequestAction;
  readonly from: readonly RequestStatus[];
  readonly to: RequestStatus;
  readonly actors: readonly TransitionActor[];
  /** Inputs that must accompany the action; the server answers 400 naming the missing ones. */
  readonly requires: readonly TransitionInput[];
  /** Four-eyes principle: the author of the request may not fire it. */
  readonly notByAuthor?: boolean;
  /** The reason is also recorded as a message of this kind, visible to both sides. */
  readonly recordsMessage?: MessageKind;
}

const S = RequestStatus;
const A = RequestAction;
const R = Role;
const P = PartyRelation;

const REQUESTED_DECIDERS = [R.CentralAuthorityOfficer, R.ContactPointOperator] as const;
const REQUESTED_EXECUTORS = [R.ExecutingOfficer, R.CentralAuthorityOfficer, R.ContactPointOperator] as const;

/** States from which the requesting supervisor may still withdraw (anything before `executed`). */
export const WITHDRAWABLE_STATUSES: readonly RequestStatus[] = [
  S.Draft,
  S.PendingApproval,
  S.Ready,
  S.Transmitted,
  S.Received,
  S.ClarificationRequested,
  S.Accepted,
  S.InExecution,
];

/** The one transition table: the server enforces it and clients show `allowedActions` from it. */
export const TRANSITIONS: readonly TransitionRule[] = [
  {
    action: A.Submit,
    from: [S.Draft],
    to: S.PendingApproval,
    actors: [{ relation: P.RequestingAgency, roles: [R.LiaisonOfficer, R.ContactPointOperator] }],
    requires: [],
  },
  {
    action: A.ReturnToDraft,
    from: [S.PendingApproval],
    to: S.Draft,
    actors: [{ relation: P.RequestingAgency, roles: [R.Supervisor] }],
    requires: ['reason'],
  },
  {
    action: A.Approve,
    from: [S.PendingApproval],
    to: S.Ready,
    actors: [{ relation: P.RequestingAgency, roles: [R.Supervisor] }],
    requires: [],
    notByAuthor: true,
  },
  {
    action: A.Transmit,
    from: [S.Ready],
    to: S.Transmitted,
    actors: [{ relation: P.RequestingCentralAuthority, roles: [R.CentralAuthorityOfficer] }],
    requires: [],
  },
  {
    action: A.Acknowledge,
    from: [S.Transmitted],
    to: S.Received,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: [],
  },
  {
    action: A.RequestClarification,
    from: [S.Received],
    to: S.ClarificationRequested,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_EXECUTORS }],
    requires: ['reason'],
    recordsMessage: MessageKind.ClarificationRequest,
  },
  {
    action: A.AnswerClarification,
    from: [S.ClarificationRequested],
    to: S.Received,
    actors: [
      { relation: P.RequestingAgency, roles: [R.LiaisonOfficer, R.Supervisor, R.ContactPointOperator] },
      { relation: P.RequestingCentralAuthority, roles: [R.CentralAuthorityOfficer] },
    ],
    requires: ['reason'],
    recordsMessage: MessageKind.ClarificationResponse,
  },
  {
    action: A.Accept,
    from: [S.Received],
    to: S.Accepted,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    requires: [],
  },
  {
    action: A.Refuse,
    from: [S.Received],
    to: S.Refused,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_DECIDERS }],
    // Refusal always carries ground codes and reasons (UNCAC 46(23); BUD 27(7)).
    requires: ['grounds', 'reason'],
  },
  {
    action: A.StartExecution,
    from: [S.Accepted],
    to: S.InExecution,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_EXECUTORS }],
    requires: [],
  },
  {
    action: A.MarkExecuted,
    from: [S.InExecution],
    to: S.Executed,
    actors: [{ relation: P.RequestedAgency, roles: REQUESTED_EXECUTORS }],
    requires: [],
  },
  {
    action: A.Withdraw,
    from: WITHDRAWABLE_STATUSES,
    to: S.Withdrawn,
    actors: [{ relation: P.RequestingAgency, roles: [R.Supervisor] }],
    requires: ['reason'],
  },
  {
    // No person fires it: the deadline job does, when the profile's period passes (T21).
    action: A.Lapse,
    from: [S.Accepted, S.InExecution],
    to: S.Lapsed,
    actors: [],
    requires: [],
  },
  {
    action: A.Close,
    from: [S.Executed, S.Refused, S.Withdrawn, S.Lapsed],
    to: S.Closed,
    actors: [
      { relation: P.RequestingAgency, roles: [R.Supervisor] },
      { relation: P.RequestingCentralAuthority, roles: [R.CentralAuthorityOfficer] },
      { relation: P.RequestedAgency, roles: [R.CentralAuthorityOfficer] },
    ],
    requires: [],
  },
];

export interface ActorStanding {
  readonly role: Role;
  readonly relations: ReadonlySet<PartyRelation>;
  /** Created or edited the request's content (four-eyes: may not approve it). */
  readonly isAuthor: boolean;
}

export function transitionFor(action: RequestAction): TransitionRule {
  const rule = TRANSITIONS.find((candidate) => candidate.action === action);
  if (!rule) throw new Error(`No transition rule for action ${action}`);
  return rule;
}

/** Whether the actor's role and relation to the request let them fire the rule at all. */
export function actorMayFire(rule: TransitionRule, standing: ActorStanding): boolean {
  if (rule.notByAuthor && standing.isAuthor) return false;
  return rule.actors.some(
    (actor) => standing.relations.has(actor.relation) && actor.roles.includes(standing.role),
  );
}

/** The actions this actor may take now on a request in `status`. */
export function allowedActions(status: RequestStatus, standing: ActorStanding): RequestAction[] {
  return TRANSITIONS.filter((rule) => rule.from.includes(status) && actorMayFire(rule, standing)).map(
    (rule) => rule.action,
  );
}

/**
 * Which kinds of agency may receive each request type (the default channel matrix of domain.md
 * §6.5): MLA and the coercive measures that need an MLA request go central authority to central
 * authority; preservation, the traffic disclosure it leads to and emergency disclosure usually go
 * 24/7 point to 24/7 point, or through the central authority. A direct order to a provider
 * (`subscriber_direct`, BUD-P2 Art 7) is addressed, in the portal, to the requested state's central
 * authority as its designated authority: providers are not agencies of the directory yet.
 * Instrument profiles will refine this per state.
 */
const POINT_OR_CENTRAL = ['contact_point_24_7', 'central_authority'] as const;
const CENTRAL = ['central_authority'] as const;
export const RECEIVING_AGENCY_KINDS = {
  mla_general: CENTRAL,
  preservation: POINT_OR_CENTRAL,
  traffic_disclosure: POINT_OR_CENTRAL,
  emergency_disclosure: POINT_OR_CENTRAL,
  stored_data_access: CENTRAL,
  realtime_traffic: CENTRAL,
  interception: CENTRAL,
  search_seizure: CENTRAL,
  subscriber_direct: CENTRAL,
  video_hearing: CENTRAL,
  joint_investigation: CENTRAL,
  spontaneous_information: CENTRAL,
} as const satisfies Record<RequestType, readonly AgencyKind[]>;
